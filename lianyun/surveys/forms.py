import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import RectificationItem, RectificationStatus
from lianyun.core.idnumbers import validate_id_number
from lianyun.inquiries.models import InquiryMeeting, MeetingStatus
from lianyun.people.models import Resident, id_number_index
from lianyun.regions.models import Region, Unit
from lianyun.surveys.actions import MAX_SHEET, MAX_TEXT, AnswerSet
from lianyun.surveys.models import Question, QuestionKind, SurveyKind, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCALE = [(str(n), str(n)) for n in range(1, 11)]


def field_name(target: Target, question: Question) -> str:
    return f"t{target.pk}_q{question.pk}"


class AnswerForm(forms.Form):
    """One block of questions per target. Whether a question is required is the action's call
    (a question hidden by its condition is not), so every field here is optional."""

    def __init__(
        self, *args: Any, questions: list[Question], targets: list[Target], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions, self.targets = questions, targets
        for target in targets:
            for question in questions:
                self.fields[field_name(target, question)] = self._field(question)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        label = f"{question.position}. {question.text}"
        if question.kind == QuestionKind.SCALE:
            return forms.ChoiceField(
                label=label,
                choices=SCALE,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                error_messages={"invalid_choice": _("Give a score from 1 to 10.")},
            )
        choices = [(c, c) for c in question.choices]
        if question.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(
                label=label, choices=choices, required=False, widget=forms.RadioSelect
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        return forms.CharField(
            label=label,
            required=False,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Read by a moderator before anything is published; do not write names."),
        )

    def blocks(self) -> list[tuple[Target, list[tuple[Question, forms.BoundField]]]]:
        return [
            (target, [(q, self[field_name(target, q)]) for q in self.questions])
            for target in self.targets
        ]

    def answer_set(self) -> AnswerSet:
        data = self.cleaned_data
        return {
            target.pk: {q.pk: data.get(field_name(target, q)) for q in self.questions}
            for target in self.targets
        }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Ballot code (16 letters and digits on your paper ballot)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class SurveyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (SurveyKind.SOCIAL, SurveyKind.SOCIAL.label),
            (SurveyKind.GENERAL, SurveyKind.GENERAL.label),
        ],
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("What it is for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    year = forms.IntegerField(
        label=_("Year (social evaluation survey)"), required=False, min_value=2000, max_value=2100
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on (last day of answers)"), widget=DATE)
    invited_only = forms.BooleanField(
        label=_("Only the drawn sample and ballot holders may answer"), required=False
    )
    min_answers = forms.IntegerField(
        label=_("Fewest answers a target needs before its results show"),
        required=False,
        min_value=1,
        max_value=1000,
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Choices, one per line (choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    show_if = forms.ModelChoiceField(
        label=_("Show only if this earlier question…"),
        queryset=Question.objects.none(),
        required=False,
    )
    show_if_choice = forms.CharField(
        label=_("…was answered with this choice"), required=False, max_length=100
    )

    def __init__(self, *args: Any, survey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["show_if"]).queryset = survey.questions.filter(
            kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE]
        )

    def clean_choices(self) -> list[str]:
        return [line for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class TargetForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is rated"),
        choices=[
            ("town", _("town")),
            ("unit", _("unit")),
            ("official", _("named official")),
            ("item", _("rectification item")),
        ],
    )
    town = forms.ModelChoiceField(label=_("Town"), queryset=Region.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    official = forms.CharField(
        label=_("The official's ID number (the person holds a post on the opening day)"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    item = forms.ModelChoiceField(
        label=_("Rectification item"), queryset=RectificationItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inside = county.scope_prefix
        cast(forms.ModelChoiceField, self.fields["town"]).queryset = Region.objects.filter(
            parent=county
        )
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            region__code__startswith=inside
        ).order_by("region__code", "name")
        cast(
            forms.ModelChoiceField, self.fields["item"]
        ).queryset = RectificationItem.objects.filter(
            region__code__startswith=inside, confidential=False, is_public=True
        ).order_by("-pk")

    def clean_official(self) -> Resident | None:
        """The person by ID number (its blind index): the number itself is not kept."""
        raw = self.cleaned_data["official"].strip()
        if not raw:
            return None
        person = Resident.objects.filter(
            id_number_index=id_number_index(validate_id_number(raw))
        ).first()
        if person is None:
            raise forms.ValidationError(_("Nobody in the register has this ID number."))
        return person


class SatisfactionForm(forms.Form):
    """A closed-out item or a held meeting of the county in the last year, the latest first
    (a slice would break the field's own check of the choice)."""

    item = forms.ModelChoiceField(
        label=_("Closed-out rectification item"),
        queryset=RectificationItem.objects.none(),
        required=False,
    )
    meeting = forms.ModelChoiceField(
        label=_("Or: inquiry meeting held"), queryset=InquiryMeeting.objects.none(), required=False
    )
    days = forms.IntegerField(label=_("Open for (days)"), min_value=1, max_value=60, initial=14)

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["item"]
        ).queryset = RectificationItem.objects.filter(
            status=RectificationStatus.CLOSED_OUT,
            confidential=False,
            region__code__startswith=county.scope_prefix,
            closed_on__gte=timezone.localdate() - datetime.timedelta(days=365),
        ).order_by("-closed_on", "-pk")
        cast(forms.ModelChoiceField, self.fields["meeting"]).queryset = (
            InquiryMeeting.objects.filter(
                status=MeetingStatus.HELD, village__code__startswith=county.scope_prefix
            )
            .select_related("village")
            .order_by("-starts_at")[:50]
        )


class DrawForm(forms.Form):
    town = forms.ModelChoiceField(label=_("Town"), queryset=Region.objects.none())
    seed = forms.CharField(
        label=_("Seed (leave empty for a random one; give an earlier seed to redraw it)"),
        required=False,
        max_length=32,
    )
    text = forms.BooleanField(
        label=_("Text the drawn villagers who have a phone on file"), required=False
    )

    def __init__(self, *args: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["town"]).queryset = towns


class SheetForm(forms.Form):
    village = forms.ModelChoiceField(
        label=_("Village where the ballots are handed out"), queryset=Region.objects.none()
    )
    count = forms.IntegerField(
        label=_("Ballots on the sheet"), min_value=1, max_value=MAX_SHEET, initial=10
    )

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = villages


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


def default_dates() -> dict[str, Any]:
    today = timezone.localdate()
    return {"opens_on": today, "closes_on": today + datetime.timedelta(days=30)}
