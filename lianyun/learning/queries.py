"""Reading 宣传教育: search, and who has read a required notice."""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.learning.actions import article_payload, in_audience
from lianyun.learning.models import Article, ArticleRead, ArticleStatus, Media
from lianyun.policies.models import SubsidyItem
from lianyun.publications.actions import canonical
from lianyun.publications.live import Problem
from lianyun.publications.models import EntryKind
from lianyun.publications.queries import latest_by_subject
from lianyun.regions.models import Region


def search(articles: QuerySet[Article], words: str) -> QuerySet[Article]:
    """Every word must appear in the title, the summary or the text."""
    for word in words.split()[:8]:
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(text__icontains=word)
        )
    return articles


def audience(article: Article) -> list[User]:
    """The officials a required notice binds."""
    users = User.objects.filter(is_active=True).exclude(role=Role.VILLAGER).select_related("region")
    if article.roles:
        users = users.filter(role__in=article.roles)
    return [u for u in users.order_by("region__code", "username") if in_audience(article, u)]


@dataclass
class ReadStatus:
    read: list[tuple[User, object]]
    unread: list[User]

    @property
    def share(self) -> float:
        total = len(self.read) + len(self.unread)
        return round(100 * len(self.read) / total, 1) if total else 0.0


def read_status(article: Article) -> ReadStatus:
    when = dict(ArticleRead.objects.filter(article=article).values_list("user_id", "read_at"))
    people = audience(article)
    return ReadStatus(
        [(u, when[u.pk]) for u in people if u.pk in when], [u for u in people if u.pk not in when]
    )


def unread_required(user: User) -> list[Article]:
    """Required notices this official has not opened yet."""
    seen = ArticleRead.objects.filter(user=user).values("article_id")
    pending = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, required=True)
        .exclude(pk__in=seen)
        .prefetch_related("regions")
    )
    return [a for a in pending if in_audience(a, user)]


def articles_differing_from_record() -> Iterator[Problem]:
    """Every published article whose row no longer matches its latest entry (a withdrawal entry
    must find the article withdrawn), for verify_publications."""
    latest = {
        int(subject.removeprefix("article:")): (subject, entry)
        for subject, entry in latest_by_subject(EntryKind.ARTICLE).items()
        if subject.startswith("article:") and subject.removeprefix("article:").isdigit()
    }
    articles = Article.objects.in_bulk(list(latest))
    for pk, (subject, (index, payload)) in latest.items():
        article = articles.get(pk)
        if article is None:
            yield Problem(subject, f"the article of entry {index} is gone")
        elif json.loads(payload).get("withdrawn"):
            if article.status != ArticleStatus.WITHDRAWN:
                yield Problem(subject, f"withdrawn by entry {index}, but shown again")
        elif canonical(article_payload(article)) != payload:
            yield Problem(subject, f"its row differs from entry {index} as published")


# --- what the pages read -------------------------------------------------------------------


def articles_listed(
    articles: QuerySet[Article], *, category: str, item: SubsidyItem | None, words: str
) -> list[Article]:
    """The library as filtered on its page: a category, a subsidy item, words; at most 60."""
    if category:
        articles = articles.filter(category=category)
    if item is not None:
        articles = articles.filter(policy_items=item)
    if words:
        articles = search(articles, words)
    return list(articles.prefetch_related("media")[:60])


def article_media(article: Article) -> list[Media]:
    return list(article.media.all())


def article_items(article: Article) -> list[SubsidyItem]:
    return list(article.policy_items.all())


def article_regions(article: Article) -> list[Region]:
    return list(article.regions.all())


@dataclass
class Desk:
    mine: QuerySet[Article]
    queue: QuerySet[Article]
    required: list[Article]


def desk_of(user: User, *, reviewer: bool) -> Desk:
    """An editor's own articles; a reviewer's queue; the required notices they answer for."""
    required = Article.objects.filter(required=True, status=ArticleStatus.PUBLISHED)
    if not reviewer:
        required = required.filter(author=user)
    return Desk(
        mine=Article.objects.filter(author=user).order_by("-updated_at"),
        queue=(
            Article.objects.filter(status=ArticleStatus.REVIEW).exclude(author=user)
            if reviewer
            else Article.objects.none()
        ),
        required=list(required.order_by("-published_at")[:20]),
    )
