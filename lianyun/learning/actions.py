"""Writes for 宣传教育. A refusal is a ValidationError in the user's language and writes
nothing.

The body an editor types is sanitised once, when it is saved: a short list of tags survives
(paragraphs, headings, lists, emphasis, quotations, tables and links to http(s) addresses);
scripts, styles, event handlers, images from elsewhere and every other attribute do not.
Plain text (no tags at all; a lone "<" is text) becomes paragraphs. A published article is never edited: it is
withdrawn, with a reason, and both steps are in the publication chain.
"""

import datetime
import hashlib
import html
import re
from typing import Any

import filetype
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import OFFICIAL_ROLES, User
from lianyun.accounts.queries import in_audience as audience
from lianyun.core import audit
from lianyun.core.filestore import read_file, save_files
from lianyun.core.roles import Role
from lianyun.core.uploads import IMAGE_TYPES, CheckedFile, check_upload
from lianyun.learning.models import Article, ArticleRead, ArticleStatus, Category, Media, MediaKind
from lianyun.publications.actions import publish
from lianyun.publications.models import Entry, EntryKind

EDITOR_ROLES = {Role.COUNTY_COMMISSION, Role.COUNTY_DEPARTMENT}
REVIEWER_ROLES = {Role.COUNTY_COMMISSION}
TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # a body with no tag at all is plain text
AUDIO_TYPES = {"audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/x-wav": "wav"}
VIDEO_TYPES = {"video/mp4": "mp4", "video/webm": "webm"}


def sanitise(body: str) -> tuple[str, str]:
    """The body as safe HTML, and as plain text for search."""
    body = body.strip()
    if not TAG.search(body):
        paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
        body = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    clean = nh3.clean(
        body,
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
    text = html.unescape(nh3.clean(clean.replace("<", " <"), tags=set()))
    return clean, " ".join(text.split())


def check_media(upload: UploadedFile) -> tuple[CheckedFile, str]:
    """A picture (re-encoded, as every upload is), a recording or a video, by its content."""
    limit = settings.LIANYUN_MEDIA_MAX_BYTES
    head = upload.read(4096)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime in IMAGE_TYPES:
        return check_upload(upload), MediaKind.IMAGE
    if mime in AUDIO_TYPES or mime in VIDEO_TYPES:
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                _("%(name)s is too large: at most %(mb)d MB per file.")
                % {"name": upload.name, "mb": limit // (1024 * 1024)}
            )
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ValidationError(
                _("%(name)s is too large: at most %(mb)d MB per file.")
                % {"name": upload.name, "mb": limit // (1024 * 1024)}
            )
        if mime in AUDIO_TYPES:
            return CheckedFile(mime, AUDIO_TYPES[mime], data), MediaKind.AUDIO
        return CheckedFile(mime, VIDEO_TYPES[mime], data), MediaKind.VIDEO
    raise ValidationError(
        _("%(name)s is not a picture, a recording or a video (MP4 or WebM).")
        % {"name": upload.name}
    )


def is_public(article: Article) -> bool:
    """Published, and not limited to officials' roles."""
    return article.status == ArticleStatus.PUBLISHED and (
        not article.roles or Role.VILLAGER in article.roles
    )


def in_audience(article: Article, user: Any) -> bool:
    return audience(user, article.roles, article.regions.all())


def _audit(action: str, actor: User | None, article: Article, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type="learning.Article", object_id=article.pk,
        detail=detail,
    )  # fmt: skip


@transaction.atomic
def save_article(
    *,
    actor: User,
    title: str,
    category: str,
    body: str,
    summary: str = "",
    policy_items: list[Any] | None = None,
    regions: list[Any] | None = None,
    roles: list[str] | None = None,
    required: bool = False,
    media: list[tuple[CheckedFile, str, str]] | None = None,
    article: Article | None = None,
    now: datetime.datetime | None = None,
) -> Article:
    """Write a new draft or change one's own draft; media are added to what it has."""
    now = now or timezone.now()
    if actor.role not in EDITOR_ROLES:
        raise ValidationError(_("Only the county commission and departments write articles."))
    if article is not None and (
        article.author_id != actor.pk or article.status != ArticleStatus.DRAFT
    ):
        raise ValidationError(
            _("Only its author changes a draft; a published article is withdrawn, not edited.")
        )
    if category not in Category.values:
        raise ValidationError({"category": _("Pick a category.")})
    clean, text = sanitise(body)
    if not title.strip():
        raise ValidationError({"title": _("Give the article a title.")})
    if not text:
        raise ValidationError({"body": _("The article has no text.")})
    roles = sorted(set(roles or []))
    if any(r not in Role.values for r in roles):
        raise ValidationError({"roles": _("Unknown role.")})
    if required and roles and not set(roles) & OFFICIAL_ROLES:
        raise ValidationError(
            {"required": _("Required reading binds officials: name an officials' role or none.")}
        )
    article = article or Article(author=actor, unit=actor.unit, created_at=now)
    article.title, article.category = title.strip(), category
    article.summary, article.body, article.text = summary.strip(), clean, text
    article.roles, article.required, article.updated_at = roles, required, now
    article.review_note = ""
    article.save()
    article.policy_items.set(policy_items or [])
    article.regions.set(regions or [])
    for checked, kind, caption in media or []:
        save_files(Media, [checked], article=article, kind=kind, caption=caption[:120])
    _audit("learning.article_saved", actor, article)
    return article


@transaction.atomic
def submit_for_review(*, article: Article, actor: User) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.author_id != actor.pk or locked.status != ArticleStatus.DRAFT:
        raise ValidationError(_("Only its author sends a draft for review."))
    locked.status = ArticleStatus.REVIEW
    locked.save(update_fields=["status"])
    _audit("learning.article_submitted", actor, locked)
    return locked


def article_payload(article: Article) -> dict[str, Any]:
    return {
        "article": article.pk,
        "title": article.title,
        "category": article.category,
        "summary": article.summary,
        "body": article.body,
        "policy_items": sorted(article.policy_items.values_list("code", flat=True)),
        "media": [
            {
                "kind": m.kind,
                "caption": m.caption,
                "sha256": hashlib.sha256(read_file(m)).hexdigest(),
            }
            for m in article.media.all()
        ],
        "published_at": article.published_at.isoformat() if article.published_at else None,
    }


def chain_entry(article: Article) -> Entry | None:
    return (
        Entry.objects.filter(kind=EntryKind.ARTICLE, subject=f"article:{article.pk}")
        .order_by("-index")
        .first()
    )


@transaction.atomic
def review(
    *, article: Article, actor: User, approve: bool, note: str = "",
    now: datetime.datetime | None = None,
) -> Article:  # fmt: skip
    """The county commission publishes an article someone else wrote, or sends it back with a
    note. A public article goes into the publication chain."""
    now = now or timezone.now()
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if actor.role not in REVIEWER_ROLES or locked.status != ArticleStatus.REVIEW:
        raise ValidationError(_("This article is not awaiting your review."))
    if locked.author_id == actor.pk:
        raise ValidationError(_("Someone other than its author reviews an article."))
    if not approve:
        if not note.strip():
            raise ValidationError({"note": _("Say what to change.")})
        locked.status, locked.review_note = ArticleStatus.DRAFT, note.strip()[:200]
        locked.save(update_fields=["status", "review_note"])
        _audit("learning.article_returned", actor, locked)
        return locked
    locked.status, locked.reviewed_by, locked.published_at = ArticleStatus.PUBLISHED, actor, now
    locked.save(update_fields=["status", "reviewed_by", "published_at"])
    if is_public(locked):
        publish(
            kind=EntryKind.ARTICLE,
            subject=f"article:{locked.pk}",
            title=locked.title,
            payload=article_payload(locked),
            actor=actor,
        )
    _audit("learning.article_published", actor, locked)
    return locked


@transaction.atomic
def withdraw(*, article: Article, actor: User, reason: str) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if actor.role not in REVIEWER_ROLES or locked.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Only the county commission withdraws a published article."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the article is withdrawn.")})
    locked.status, locked.review_note = ArticleStatus.WITHDRAWN, reason.strip()[:200]
    locked.save(update_fields=["status", "review_note"])
    entry = chain_entry(locked)
    if entry is not None:
        publish(
            kind=EntryKind.ARTICLE,
            subject=f"article:{locked.pk}",
            title=locked.title,
            payload={"article": locked.pk, "withdrawn": True, "reason": locked.review_note},
            actor=actor,
            corrects=entry,
        )
    _audit("learning.article_withdrawn", actor, locked, reason=locked.review_note)
    return locked


def record_read(*, article: Article, user: Any, now: datetime.datetime | None = None) -> None:
    """An official opened a published article: the first time is kept."""
    if not getattr(user, "is_authenticated", False) or not user.is_official:
        return
    if article.status != ArticleStatus.PUBLISHED:
        return
    ArticleRead.objects.get_or_create(
        article=article, user=user, defaults={"read_at": now or timezone.now()}
    )
