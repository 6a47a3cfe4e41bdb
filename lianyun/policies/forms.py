from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.policies.models import Frequency


class ItemForm(forms.Form):
    standard = forms.CharField(label=_("Standard"), max_length=200)
    amount = forms.DecimalField(
        label=_("Standard amount (yuan)"), required=False, max_digits=12, decimal_places=2
    )
    amount_unit = forms.CharField(label=_("Per"), max_length=32, required=False)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    eligibility = forms.CharField(
        label=_("Who is eligible"), widget=forms.Textarea(attrs={"rows": 4})
    )
    how_to_apply = forms.CharField(
        label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 4})
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_to = forms.DateField(
        label=_("Effective until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    aliases = forms.CharField(
        label=_("Other names, separated by commas"), max_length=200, required=False
    )
