from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.core.forms import MultipleFileField, MultipleFileInput
from lianyun.petitions.models import Decision, PetitionKind


class PetitionForm(forms.Form):
    """Fields a villager fills in. The subject choices depend on the chosen village."""

    kind = forms.ChoiceField(
        label=_("What is it?"), choices=PetitionKind.choices, widget=forms.RadioSelect
    )
    subject = forms.ChoiceField(label=_("About whom"), required=False)
    subject_text = forms.CharField(
        label=_("Or describe the subject"), required=False, max_length=100
    )
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachments = MultipleFileField(
        label=_("Photos, documents or recordings (optional, up to 10)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,audio/*"}),
    )
    anonymous = forms.TypedChoiceField(
        label=_("Name"),
        choices=[("1", _("Anonymous")), ("0", _("Named (handled first)"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=32)
    reporter_phone = forms.CharField(label=_("Your phone"), required=False, max_length=20)
    reporter_id_number = forms.CharField(
        label=_("Your ID number"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    earlier_receipt = forms.CharField(
        label=_("Receipt of an earlier petition on the same matter (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self, *args: object, subject_choices: list[tuple[str, object]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)  # noqa: S101 - declared above
        subject.choices = [("", _("— choose, or describe below —")), *subject_choices]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Answer and reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason (the petitioner reads it)"), max_length=2000)


class ForwardForm(forms.Form):
    to_unit = forms.ChoiceField(label=_("Forward to"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_unit"].choices = units  # type: ignore[attr-defined]


class SubjectForm(forms.Form):
    person = forms.ChoiceField(label=_("Whom is it about?"), required=False)

    def __init__(self, *args: object, people: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            *people,
            ("", _("None of them: about no official")),
        ]


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
