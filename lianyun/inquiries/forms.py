from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.inquiries.models import Category

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AskForm(forms.Form):
    """A public question. The addressee is picked from the units of the asker's county."""

    unit = forms.ChoiceField(label=_("To which unit"))
    official = forms.ChoiceField(label=_("To which official (optional)"), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Your question in one line"), max_length=100)
    question = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3000
    )

    def __init__(
        self,
        *args: object,
        units: list[tuple[str, str]],
        officials: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]
        self.fields["official"].choices = [("", "—"), *officials]  # type: ignore[attr-defined]


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("reject", _("Do not publish"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason the asker will read (when not published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Public answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    stated_date = forms.DateField(
        label=_("Date of a written reply, if there is one (shown, not counted)"),
        required=False,
        widget=DATE,
    )
    action_1 = forms.CharField(
        label=_("Commitment 1: what will be done"), required=False, max_length=200
    )
    responsible_1 = forms.CharField(label=_("Person responsible"), required=False, max_length=64)
    deadline_1 = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    action_2 = forms.CharField(
        label=_("Commitment 2: what will be done"), required=False, max_length=200
    )
    responsible_2 = forms.CharField(label=_("Person responsible"), required=False, max_length=64)
    deadline_2 = forms.DateField(label=_("Deadline"), required=False, widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for n in (1, 2):
            parts = [
                data.get(f"action_{n}"),
                data.get(f"responsible_{n}"),
                data.get(f"deadline_{n}"),
            ]
            if any(parts) and not all(parts):
                raise forms.ValidationError(
                    _(
                        "A commitment needs what will be done, the person responsible and a deadline."
                    )
                )
        return data


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class ConcludeForm(forms.Form):
    note = forms.CharField(
        label=_("The commission's conclusion (public)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class MeetingForm(forms.Form):
    village = forms.ChoiceField(label=_("Village or community"))
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    officials = forms.MultipleChoiceField(
        label=_("Officials to be questioned"), widget=forms.CheckboxSelectMultiple, required=False
    )
    panel_size = forms.IntegerField(
        label=_("Members of the satisfaction panel"), min_value=1, max_value=500
    )
    panel = forms.CharField(
        label=_("Who sits on the panel"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    observers = forms.CharField(
        label=_("Media and county observers"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    threshold = forms.IntegerField(label=_("Satisfaction needed (%)"), min_value=1, max_value=100)

    def __init__(
        self,
        *args: object,
        villages: list[tuple[str, str]],
        officials: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["village"].choices = [("", "—"), *villages]  # type: ignore[attr-defined]
        self.fields["officials"].choices = officials  # type: ignore[attr-defined]


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement (述职)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class VoteForm(forms.Form):
    satisfied = forms.IntegerField(label=_("Satisfied"), min_value=0, max_value=1000)
    basic = forms.IntegerField(label=_("Basically satisfied"), min_value=0, max_value=1000)
    unsatisfied = forms.IntegerField(label=_("Not satisfied"), min_value=0, max_value=1000)


class DemandForm(forms.Form):
    raised_by = forms.CharField(label=_("Raised by"), max_length=32)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    text = forms.CharField(
        label=_("What was raised"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    answered_by = forms.ChoiceField(label=_("Answered by"), required=False)
    reply = forms.CharField(
        label=_("The answer given"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promise = forms.CharField(label=_("What was promised"), required=False, max_length=200)
    responsible = forms.CharField(label=_("Person responsible"), required=False, max_length=64)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    misconduct_clue = forms.BooleanField(
        label=_("A clue of misconduct: open a lead for the commission"), required=False
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: object, officials: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["answered_by"].choices = [("", "—"), *officials]  # type: ignore[attr-defined]


class DemandFeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Result fed back to the public"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
    funds_returned = forms.DecimalField(
        label=_("Money returned to villagers (yuan)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
    )


class DemandConfirmForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("The villagers' verdict on the result (回访)"),
        choices=[("1", _("Satisfied: close out")), ("0", _("Not satisfied: reopen"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class PeriodForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: object, regions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"].choices = [("", "—"), *regions]  # type: ignore[attr-defined]
