"""View helpers shared by every app: running one action from one form."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from lianyun.core import pow

R = TypeVar("R")


def add_errors(form: Form, error: ValidationError) -> None:
    """Put an action's refusal on the form: on its field where it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def post_form(
    form: Form,
    run: Callable[[dict[str, Any]], R],
    *,
    done: str | Callable[[R], str],
    again: Callable[[Form], HttpResponse],
) -> HttpResponse:
    """A form post, declared in one call: check the form, run the one action with its data,
    and go on to `done` (post/redirect/get: a URL, or a URL made from what the action
    returned). When the form or the action refuses, nothing is written and `again(form)`
    answers: the page once more, the form holding what was typed and the reasons, or
    (told_on) the page the button sits on, with the reasons as a message."""
    if not form.is_valid():
        return again(form)
    try:
        result = run(form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return again(form)
    return redirect(done(result) if callable(done) else done)


def told_on(request: HttpRequest, url: str) -> Callable[[Form], HttpResponse]:
    """`again` for a button that sits on another page (a decision on a flag, a launch on the
    survey builder): a refusal is told on that page, as a message with its reasons, and the
    browser is sent back there."""

    def refused(form: Form) -> HttpResponse:
        reasons = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(reasons))
        return redirect(url)

    return refused


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django could not read (a broken multipart body, say): the API answers in its
    own JSON shape, every other page with the app's page."""
    if request.path.startswith("/api/"):
        detail = "请求无法读取。 / The request could not be read."
        return JsonResponse({"detail": detail, "errors": {}}, status=400)
    return render(request, "400.html", status=400)


@never_cache
def pow_challenge(request: HttpRequest, purpose: str) -> HttpResponse:
    """A proof-of-work challenge for one anonymous submission (lianyun.core.pow)."""
    if purpose not in pow.PURPOSES:
        raise Http404
    return JsonResponse(pow.challenge(request, purpose))
