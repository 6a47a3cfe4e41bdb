from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.views import post_form
from lianyun.policies import actions
from lianyun.policies.access import access_item_for_edit
from lianyun.policies.actions import EDITABLE
from lianyun.policies.forms import ItemForm
from lianyun.policies.queries import (
    categories,
    category_by_code,
    item_by_code,
    item_versions,
    items_listed,
)
from lianyun.regions.queries import villages


def item_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    code = request.GET.get("category", "")
    category = category_by_code(code)
    return render(
        request,
        "policies/subsidyitem_list.html",
        {
            "items": items_listed(text, category),
            "q": text,
            "category": category,
            "categories": categories(),
            "villages": villages(),
        },
    )


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = item_by_code(code)
    if item is None:
        raise Http404
    return render(
        request,
        "policies/subsidyitem_detail.html",
        {"item": item, "versions": item_versions(item), "villages": villages()},
    )


@login_required
def item_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access_item_for_edit(request.user, pk)

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "policies/subsidyitem_form.html",
            {"form": form, "item": item},
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return page(ItemForm(initial={field: getattr(item, field) for field in EDITABLE}))
    return post_form(
        ItemForm(request.POST, initial={field: getattr(item, field) for field in EDITABLE}),
        lambda data: actions.update_item(item=item, changes=data, actor=request.user),
        done=reverse("policies:subsidyitem-detail", kwargs={"code": item.code}),
        again=page,
    )
