from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.core.forms import MultipleFileField
from lianyun.disclosure.models import DisclosureKind


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DisclosureKind.choices)
    major = forms.BooleanField(
        label=_("A major matter (published at once, outside the monthly or quarterly notices)"),
        required=False,
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        required=False,
        help_text=_(
            "Finances: the month, e.g. 2026-10. Party and village affairs: the quarter, e.g. 2026-Q4."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Content"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Never write ID, phone or bank card numbers: such a notice is refused."),
    )
    scans = MultipleFileField(
        label=_("Scans or photos"),
        required=False,
        help_text=_("Up to 10 pictures or PDF files; photos lose their location data."),
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this notice"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
