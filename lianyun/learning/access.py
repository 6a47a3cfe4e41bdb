"""Who reads, writes and reviews articles. What someone may not see is missing (404)."""

from django.db.models import QuerySet
from django.http import Http404

from lianyun.core.access import Actor
from lianyun.learning.actions import EDITOR_ROLES, REVIEWER_ROLES, in_audience, is_public
from lianyun.learning.models import Article, ArticleStatus, Media


def readable_articles(user: Actor) -> QuerySet[Article]:
    """Published articles this user may read: the public ones, and if an official, those for
    the officials of an audience they are in."""
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    if not getattr(user, "is_authenticated", False) or not user.is_official:
        return published.filter(pk__in=[a.pk for a in published if is_public(a)])
    return published.filter(
        pk__in=[
            a.pk
            for a in published.prefetch_related("regions")
            if is_public(a) or in_audience(a, user)
        ]
    )


def may_read(user: Actor, article: Article) -> bool:
    if article.status == ArticleStatus.PUBLISHED:
        return is_public(article) or in_audience(article, user)
    return may_edit(user, article) or may_review(user, article)


def may_edit(user: Actor, article: Article) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and article.author_id == user.pk
        and article.status == ArticleStatus.DRAFT
    )


def is_reviewer(user: Actor) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in REVIEWER_ROLES


def may_review(user: Actor, article: Article) -> bool:
    return is_reviewer(user) and article.author_id != user.pk


def require_editor(user: Actor) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in EDITOR_ROLES:
        raise Http404


def require_reviewer(user: Actor) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in REVIEWER_ROLES:
        raise Http404


def article_for(user: Actor, pk: int) -> Article:
    article = Article.objects.filter(pk=pk).first()
    if article is None or not may_read(user, article):
        raise Http404
    return article


def media_for(user: Actor, pk: int) -> Media:
    media = Media.objects.select_related("article").filter(pk=pk).first()
    if media is None or not may_read(user, media.article):
        raise Http404
    return media


def read_status_for(user: Actor, pk: int) -> Article:
    """Who has read a required notice: its author and the county commission."""
    article = Article.objects.filter(pk=pk, required=True).first()
    if (
        article is None
        or not getattr(user, "is_authenticated", False)
        or (article.author_id != user.pk and user.role not in REVIEWER_ROLES)
    ):
        raise Http404
    return article
