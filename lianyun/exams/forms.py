from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.core.roles import Role
from lianyun.exams.actions import FALSE, LETTERS, MAX_FILL, TRUE
from lianyun.exams.models import AttemptAnswer, QuestionKind
from lianyun.regions.models import Region, RegionKind


class PaperForm(forms.Form):
    """The attempt's questions in order, each optional (an unanswered question scores 0)."""

    def __init__(self, *args: Any, rows: list[AttemptAnswer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            question = row.question
            label = f"{row.position}. {question.stem}"
            name = f"q{row.position}"
            choices = [(LETTERS[i], f"{LETTERS[i]}. {c}") for i, c in enumerate(question.choices)]
            if question.kind == QuestionKind.SINGLE:
                field: forms.Field = forms.ChoiceField(
                    label=label, choices=choices, required=False, widget=forms.RadioSelect
                )
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif question.kind == QuestionKind.TRUE_FALSE:
                field = forms.ChoiceField(
                    label=label,
                    choices=[(TRUE, TRUE), (FALSE, FALSE)],
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.CharField(label=label, required=False, max_length=MAX_FILL)
            field.initial = row.given
            field.disabled = row.fixed
            self.fields[name] = field

    def answer(self, position: int) -> Any:
        return self.cleaned_data.get(f"q{position}")

    def answers(self) -> dict[int, Any]:
        return {
            row.position: self.cleaned_data.get(f"q{row.position}")
            for row in self.rows
            if self.cleaned_data.get(f"q{row.position}") not in (None, "", [])
        }


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExamForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    blueprint = forms.CharField(
        label=_("Paper: one line per topic, difficulty and number of questions (廉洁纪律,1,10)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=300, initial=30
    )
    attempt_limit = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=10, initial=2
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (per cent)"), min_value=1, max_value=100, initial=60
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    deadline = forms.DateField(label=pgettext_lazy("exam", "Deadline"), widget=DATE)
    practice = forms.BooleanField(
        label=_("Practice (explanations at once, not counted)"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles (none: every official)"),
        choices=[(r.value, r.label) for r in Role if r != Role.VILLAGER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Towns (none: the whole county)"),
        queryset=Region.objects.filter(kind=RegionKind.TOWN),
        required=False,
    )

    def clean_blueprint(self) -> list[tuple[str, int, int]]:
        lines = []
        for number, line in enumerate(self.cleaned_data["blueprint"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3 or parts[1] not in {"1", "2", "3"} or not parts[2].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write topic, difficulty 1–3, number of questions.")
                    % {"n": number}
                )
            lines.append((parts[0], int(parts[1]), int(parts[2])))
        return lines


class BankForm(forms.Form):
    file = forms.FileField(label=_("Question bank (Excel, the columns of the export)"))
