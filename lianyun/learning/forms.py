from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.core.forms import MultipleFileField, MultipleFileInput
from lianyun.core.roles import Role
from lianyun.learning.models import Category
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region, RegionKind


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    summary = forms.CharField(
        label=pgettext_lazy("article", "Summary"), max_length=200, required=False
    )
    body = forms.CharField(
        label=_("Text (plain text, or simple HTML: paragraphs, headings, lists, links)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
    )
    policy_items = forms.ModelMultipleChoiceField(
        label=_("Subsidy items it explains"),
        queryset=SubsidyItem.objects.order_by("name"),
        required=False,
    )
    roles = forms.MultipleChoiceField(
        label=_("For these roles only (none: everyone, in public)"),
        choices=[(r.value, r.label) for r in Role],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("For these towns only (none: the whole county)"),
        queryset=Region.objects.filter(kind=RegionKind.TOWN),
        required=False,
    )
    required = forms.BooleanField(
        label=_("Required reading for the officials of the audience"), required=False
    )
    uploads = MultipleFileField(
        label=_("Pictures, recordings or videos (MP4, WebM)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,audio/*,video/mp4,video/webm"}),
    )
    caption = forms.CharField(label=_("Caption of the files"), max_length=120, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author (to send it back)"), max_length=200, required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=200,
        error_messages={"required": _("Say why the article is withdrawn.")},
    )
