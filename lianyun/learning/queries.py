"""Reading 宣传教育: search, and who has read a required notice."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lianyun.accounts.models import User
from lianyun.learning.actions import in_audience
from lianyun.learning.models import Article, ArticleRead, ArticleStatus


def search(articles: QuerySet[Article], words: str) -> QuerySet[Article]:
    """Every word must appear in the title, the summary or the text."""
    for word in words.split()[:8]:
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(text__icontains=word)
        )
    return articles


def audience(article: Article) -> list[User]:
    """The officials a required notice binds."""
    users = User.objects.filter(is_active=True).exclude(role="villager").select_related("region")
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
