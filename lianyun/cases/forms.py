from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import Disposition, OutcomeKind, SanctionLevel


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (after collective study)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    review_on = forms.DateField(
        label=_("Re-review on (when shelved)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    person = forms.ChoiceField(label=_("Person"), required=False)
    level = forms.ChoiceField(
        label=_("Sanction"), required=False, choices=[("", "—"), *SanctionLevel.choices]
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
    )
    households = forms.IntegerField(label=_("Households refunded"), required=False, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: object, people: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = [("", "—"), *people]  # type: ignore[attr-defined]


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
