"""宣传教育 pages: the public library (by category, by subsidy item, search), an article with
its pictures, sound and video played from the app; the editors' desk, the review queue, and who
has read a required notice."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest
from lianyun.core.access import visitor
from lianyun.core.filestore import inline_response
from lianyun.core.once import once
from lianyun.core.views import post_form, told_on
from lianyun.learning import actions, queries
from lianyun.learning.access import (
    article_for,
    is_reviewer,
    may_edit,
    may_review,
    media_for,
    read_status_for,
    readable_articles,
    require_editor,
)
from lianyun.learning.forms import ArticleForm, ReviewForm, WithdrawForm
from lianyun.learning.models import Article, ArticleStatus, Category
from lianyun.policies.queries import item_by_code


def article_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    item = item_by_code(request.GET.get("item", ""))
    words = request.GET.get("q", "").strip()[:80]
    articles = queries.articles_listed(
        readable_articles(visitor(request)), category=category, item=item, words=words
    )
    user = request.user
    unread = queries.unread_required(user) if isinstance(user, User) and user.is_official else []
    return render(
        request,
        "learning/article_list.html",
        {
            "articles": articles,
            "categories": Category.choices,
            "category": category,
            "item": item,
            "q": words,
            "unread": unread,
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = article_for(visitor(request), pk)
    actions.record_read(article=article, user=request.user)
    return render(
        request,
        "learning/article_detail.html",
        {
            "article": article,
            "media": queries.article_media(article),
            "items": queries.article_items(article),
            "entry": actions.chain_entry(article),
            "editable": may_edit(visitor(request), article),
            "reviewable": may_review(visitor(request), article)
            and article.status == ArticleStatus.REVIEW,
            "withdrawable": may_review(visitor(request), article)
            and article.status == ArticleStatus.PUBLISHED,
            "review_form": ReviewForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


def media(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture, recording or video, inline so the page can show and play it; nothing in it
    can run (sandbox, no sniffing)."""
    return inline_response(media_for(visitor(request), pk), request=request, max_age=86400)


def _saved(
    request: SignedInRequest, article: Article | None
) -> Callable[[dict[str, Any]], Article]:
    """The editor's form, written: a new article, or the draft being edited."""

    def save(d: dict[str, Any]) -> Article:
        checked = [actions.check_media(f) for f in d["uploads"]]
        return actions.save_article(
            actor=request.user,
            article=article,
            title=d["title"],
            category=d["category"],
            summary=d["summary"],
            body=d["body"],
            policy_items=list(d["policy_items"]),
            regions=list(d["regions"]),
            roles=d["roles"],
            required=d["required"],
            media=[(c, kind, d["caption"]) for c, kind in checked],
        )

    return save


def _article_url(article: Article) -> str:
    return reverse("learning:article-detail", args=[article.pk])


@login_required
@once
def article_create(request: SignedInRequest) -> HttpResponse:
    require_editor(request.user)

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "learning/article_form.html",
            {"form": form},
        )

    if request.method != "POST":
        return page(ArticleForm())
    return post_form(
        ArticleForm(request.POST, request.FILES),
        _saved(request, None),
        done=_article_url,
        again=page,
    )


@login_required
def article_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    if not may_edit(request.user, article):
        return redirect("learning:article-detail", article.pk)
    initial = {
        "title": article.title,
        "category": article.category,
        "summary": article.summary,
        "body": article.body,
        "policy_items": queries.article_items(article),
        "roles": article.roles,
        "regions": queries.article_regions(article),
        "required": article.required,
    }

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "learning/article_form.html",
            {"form": form, "article": article},
        )

    if request.method != "POST":
        return page(ArticleForm(initial=initial))
    return post_form(
        ArticleForm(request.POST, request.FILES, initial=initial),
        _saved(request, article),
        done=_article_url,
        again=page,
    )


@login_required
@require_POST
def article_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)

    def sent(_article: object) -> str:
        messages.success(request, _("Sent for review."))
        return _article_url(article)

    return post_form(
        Form(request.POST),
        lambda _d: actions.submit_for_review(article=article, actor=request.user),
        done=sent,
        again=told_on(request, _article_url(article)),
    )


@login_required
@require_POST
def article_review(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    return post_form(
        ReviewForm(request.POST),
        lambda d: actions.review(
            article=article,
            actor=request.user,
            approve=request.POST.get("decision") == "publish",
            note=d.get("note", ""),
        ),
        done=_article_url(article),
        again=told_on(request, _article_url(article)),
    )


@login_required
@require_POST
def article_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    return post_form(
        WithdrawForm(request.POST),
        lambda d: actions.withdraw(article=article, actor=request.user, reason=d["reason"]),
        done=reverse("learning:desk"),
        again=told_on(request, _article_url(article)),
    )


@login_required
def desk(request: SignedInRequest) -> HttpResponse:
    """An editor's drafts and articles; for the county commission, the review queue too."""
    require_editor(request.user)
    desk = queries.desk_of(request.user, reviewer=is_reviewer(request.user))
    return render(
        request,
        "learning/desk.html",
        {"mine": desk.mine, "queue": desk.queue, "required": desk.required},
    )


@login_required
def article_reads(request: SignedInRequest, pk: int) -> HttpResponse:
    article = read_status_for(request.user, pk)
    return render(
        request,
        "learning/article_reads.html",
        {"article": article, "status": queries.read_status(article)},
    )
