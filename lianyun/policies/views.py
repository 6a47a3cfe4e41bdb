from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.views import run_form
from lianyun.policies import actions
from lianyun.policies.access import access_item_for_edit
from lianyun.policies.actions import EDITABLE
from lianyun.policies.forms import ItemForm
from lianyun.policies.models import PolicyCategory, SubsidyItem
from lianyun.policies.queries import search_items
from lianyun.regions.queries import villages


def item_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    code = request.GET.get("category", "")
    items = search_items(text)
    category = PolicyCategory.objects.filter(code=code).first() if code else None
    if category is not None:
        items = items.filter(category=category)
    return render(
        request,
        "policies/subsidyitem_list.html",
        {
            "items": items,
            "q": text,
            "category": category,
            "categories": PolicyCategory.objects.all(),
            "villages": villages(),
        },
    )


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = SubsidyItem.objects.select_related("category", "department").filter(code=code).first()
    if item is None:
        raise Http404
    return render(
        request,
        "policies/subsidyitem_detail.html",
        {"item": item, "versions": item.versions.all(), "villages": villages()},
    )


@login_required
def item_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access_item_for_edit(request.user, pk)
    form = ItemForm(
        request.POST or None, initial={field: getattr(item, field) for field in EDITABLE}
    )
    if request.method == "POST" and run_form(
        form,
        item,
        lambda target, data: actions.update_item(item=target, changes=data, actor=request.user),
    ):
        return redirect("policies:subsidyitem-detail", code=item.code)
    return render(
        request,
        "policies/subsidyitem_form.html",
        {"form": form, "item": item},
        status=400 if form.errors else 200,
    )
