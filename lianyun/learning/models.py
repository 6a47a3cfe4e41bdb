"""宣传教育: articles (policy explanations linked to subsidy items, typical case notices,
integrity culture, notices) with pictures, sound and video served by the app, an editorial
workflow (draft → review → published), an audience, and who among the officials has read a
required notice.

An article whose audience names only officials' roles is for them alone; any other published
article is public. The audience's regions say whom a required notice binds.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianyun.core.models import EncryptedFile
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region, Unit


class Category(models.TextChoices):
    POLICY = "policy", _("policy explanation")
    CASE_NOTICE = "case_notice", _("typical case notice")
    CULTURE = "culture", _("integrity culture")
    NOTICE = "notice", _("notice")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("awaiting review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Article(models.Model):
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = models.TextField(_("text"))  # sanitised HTML, never raw input
    text = models.TextField(editable=False)  # the body without tags, for search
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    policy_items = models.ManyToManyField(
        SubsidyItem, blank=True, related_name="articles", verbose_name=_("subsidy items")
    )
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    roles = models.JSONField(_("roles"), default=list, blank=True)
    required = models.BooleanField(
        _("required reading for the officials of the audience"), default=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("reviewer's note"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "category", "-published_at"])]

    def __str__(self) -> str:
        return self.title


class MediaKind(models.TextChoices):
    IMAGE = "image", _("picture")
    AUDIO = "audio", _("sound")
    VIDEO = "video", _("video")


class Media(EncryptedFile):
    """A picture, recording or video of an article, played on the page from the app itself."""

    folder = "learning"
    context = "learning-media"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    caption = models.CharField(_("caption"), max_length=120, blank=True)

    class Meta:
        ordering = ["article", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.kind}"


class ArticleRead(models.Model):
    """An official opened the article (the first time counts)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.user_id}"
