from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.core.forms import MultipleFileField, MultipleFileInput
from lianyun.inspections.models import FindingClass, VisitKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECK_CHOICES = [
    ("", "—"),
    ("ok", _("fine")),
    ("problem", _("problem")),
    ("n/a", _("not applicable")),
]


class VisitForm(forms.Form):
    village = forms.ChoiceField(label=_("Village or community"))
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440)
    people_met = forms.CharField(label=_("People met"), required=False, max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(
        label=_("Photos or documents (optional, sent only when online)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: object,
        villages: list[tuple[str, str]],
        checklist: list[tuple[int, str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        self.checklist_ids = []
        for pk, kind, text in checklist:
            name = f"check_{pk}"
            self.fields[name] = forms.ChoiceField(
                label=text,
                choices=CHECK_CHOICES,
                required=False,
                widget=forms.Select(attrs={"data-kind": kind}),
            )
            self.checklist_ids.append(pk)

    def answers(self) -> dict[str, str]:
        return {
            str(pk): self.cleaned_data[f"check_{pk}"]
            for pk in self.checklist_ids
            if self.cleaned_data.get(f"check_{pk}")
        }


class FindingForm(forms.Form):
    finding_class = forms.ChoiceField(
        label=_("Class"), choices=FindingClass.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("What was found"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SampleForm(forms.Form):
    month = forms.CharField(
        label=_("Month to sample (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2026-10"}),
    )


class SampleCheckForm(forms.Form):
    """The sampled record's id comes beside it, in its own hidden input."""

    verified = forms.TypedChoiceField(
        label=_("Matches its voucher?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and route")), ("return", _("Return with a comment"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    responsible = forms.CharField(
        label=_("Person responsible (living conditions)"), required=False, max_length=64
    )
    deadline = forms.DateField(label=_("Deadline (living conditions)"), required=False, widget=DATE)


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month (YYYY-MM)"),
        regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )


class SignForm(forms.Form):
    comment = forms.CharField(
        label=_("The leader's comment"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SummaryForm(forms.Form):
    month = forms.RegexField(
        label=_("Month (YYYY-MM)"),
        regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("The town commission's comment"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class WeightForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200)

    def __init__(self, *args: object, indicators: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=64)
    formed_on = forms.DateField(label=_("Formed on"), widget=DATE)
    leader = forms.ChoiceField(label=_("Leader"))
    members = forms.MultipleChoiceField(
        label=_("Other members"), required=False, widget=forms.CheckboxSelectMultiple
    )
    villages = forms.MultipleChoiceField(
        label=_("Villages it covers"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: object,
        inspectors: list[tuple[str, str]],
        villages: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["leader"].choices = [("", "—"), *inspectors]  # type: ignore[attr-defined]
        self.fields["members"].choices = inspectors  # type: ignore[attr-defined]
        self.fields["villages"].choices = villages  # type: ignore[attr-defined]


class ChecklistForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    text = forms.CharField(label=_("What to check"), max_length=200)


class ExpenditureForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2)
    payee = forms.CharField(label=_("Payee"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    voucher = forms.CharField(label=_("Voucher number"), max_length=32, required=False)
