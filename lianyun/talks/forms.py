from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.accounts.models import User
from lianyun.core.forms import MultipleFileField, MultipleFileInput
from lianyun.core.roles import Role
from lianyun.regions.models import Region, RegionKind
from lianyun.talks.models import TalkKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TalkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TalkKind.choices)
    speaker = forms.CharField(label=_("Speaker"), max_length=64)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = forms.IntegerField(
        label=_("Length (minutes)"), min_value=1, max_value=600, initial=60
    )
    min_minutes = forms.IntegerField(
        label=_("Minutes on the page to count as attended"), min_value=1, max_value=600, initial=40
    )
    live_url = forms.URLField(
        label=_("Live link on the intranet"), required=False, assume_scheme="https"
    )
    public = forms.BooleanField(
        label=_("Open to the public (anyone may watch it and read its answered questions)"),
        required=False,
    )
    recording = MultipleFileField(
        label=_("Recording (sound or video)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "audio/*,video/mp4,video/webm"}),
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


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModerateForm(forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("talk", "Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=pgettext_lazy("talk record", "Minutes"), widget=forms.Textarea(attrs={"rows": 6})
    )


class ReminderForm(forms.Form):
    official: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Official"), queryset=User.objects.none()
    )
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    topics = forms.CharField(label=_("Topics"), widget=forms.Textarea(attrs={"rows": 3}))
    commitments = forms.CharField(
        label=_("Commitments, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    deadline = forms.DateField(
        label=_("Deadline (to put the commitments on the rectification list)"),
        widget=DATE,
        required=False,
    )

    def __init__(self, *args: Any, officials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials  # type: ignore[attr-defined]
