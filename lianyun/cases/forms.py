from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import Disposition, OutcomeKind, SanctionLevel
from lianyun.core.forms import MultipleFileField, MultipleFileInput


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (after collective study)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    amount_involved = forms.DecimalField(
        label=_("Money involved (yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
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


class RectificationForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    measures = forms.CharField(
        label=_("Measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_unit = forms.ChoiceField(label=_("Unit responsible"))
    responsible = forms.CharField(label=_("Person responsible"), max_length=64)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["owner_unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = units
        if units and not self.is_bound:
            field.initial = units[0][0]  # the nearest unit, as the caller orders them


class MilestoneForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    evidence = MultipleFileField(
        label=_("Evidence: photos or documents (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Public feedback"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ConfirmForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Has the problem been put right?"),
        choices=[("1", _("Yes, close it out")), ("0", _("No, reopen it"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
