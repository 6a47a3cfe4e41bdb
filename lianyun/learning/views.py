"""宣传教育 pages: the public library (by category, by subsidy item, search), an article with
its pictures, sound and video played from the app; the editors' desk, the review queue, and who
has read a required notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest
from lianyun.core.access import visitor
from lianyun.core.filestore import inline_response
from lianyun.core.once import once
from lianyun.core.views import add_errors
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
from lianyun.policies.models import SubsidyItem


def article_list(request: HttpRequest) -> HttpResponse:
    articles = readable_articles(visitor(request))
    category = request.GET.get("category", "")
    if category in Category.values:
        articles = articles.filter(category=category)
    item = SubsidyItem.objects.filter(code=request.GET.get("item", "")).first()
    if item is not None:
        articles = articles.filter(policy_items=item)
    words = request.GET.get("q", "").strip()[:80]
    if words:
        articles = queries.search(articles, words)
    user = request.user
    unread = queries.unread_required(user) if isinstance(user, User) and user.is_official else []
    return render(
        request,
        "learning/article_list.html",
        {
            "articles": articles.prefetch_related("media")[:60],
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
            "media": list(article.media.all()),
            "items": list(article.policy_items.all()),
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


def _save(request: SignedInRequest, form: ArticleForm, article: Article | None) -> Article | None:
    d = form.cleaned_data
    try:
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
    except ValidationError as error:
        add_errors(form, error)
        return None


@login_required
@once
def article_create(request: SignedInRequest) -> HttpResponse:
    require_editor(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        article = _save(request, form, None)
        if article is not None:
            return redirect("learning:article-detail", article.pk)
    return render(request, "learning/article_form.html", {"form": form})


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
        "policy_items": list(article.policy_items.all()),
        "roles": article.roles,
        "regions": list(article.regions.all()),
        "required": article.required,
    }
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, article):
        return redirect("learning:article-detail", article.pk)
    return render(request, "learning/article_form.html", {"form": form, "article": article})


@login_required
@require_POST
def article_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    try:
        actions.submit_for_review(article=article, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Sent for review."))
    return redirect("learning:article-detail", article.pk)


@login_required
@require_POST
def article_review(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        actions.review(
            article=article,
            actor=request.user,
            approve=request.POST.get("decision") == "publish",
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("learning:article-detail", article.pk)


@login_required
@require_POST
def article_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    article = article_for(request.user, pk)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the article is withdrawn."))
        actions.withdraw(article=article, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("learning:article-detail", article.pk)
    return redirect("learning:desk")


@login_required
def desk(request: SignedInRequest) -> HttpResponse:
    """An editor's drafts and articles; for the county commission, the review queue too."""
    require_editor(request.user)
    user: User = request.user
    mine = Article.objects.filter(author=user).order_by("-updated_at")
    queue = (
        Article.objects.filter(status=ArticleStatus.REVIEW).exclude(author=user)
        if is_reviewer(user)
        else Article.objects.none()
    )
    required = Article.objects.filter(required=True, status=ArticleStatus.PUBLISHED)
    if not is_reviewer(user):
        required = required.filter(author=user)
    return render(
        request,
        "learning/desk.html",
        {"mine": mine, "queue": queue, "required": required.order_by("-published_at")[:20]},
    )


@login_required
def article_reads(request: SignedInRequest, pk: int) -> HttpResponse:
    article = read_status_for(request.user, pk)
    return render(
        request,
        "learning/article_reads.html",
        {"article": article, "status": queries.read_status(article)},
    )
