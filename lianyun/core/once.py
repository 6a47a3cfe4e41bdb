"""One-time submission keys: every form that creates something carries a fresh random key, and
the view that handles it runs at most once per key.

The first request with a key inserts it and runs the view in one transaction; when the view
redirects (post/redirect/get), the redirect's target is stored with the key. A later request
with the same key, whether a reload of the POST, a second tap, the browser's back-and-resend
or a retry after a dropped connection, is sent to that target and creates nothing. Two copies
arriving together meet at the key's primary key: the second waits for the first to commit and
is then sent where the first went. When the view does not redirect (the form had errors)
nothing is kept, so the person can correct the form and send it with the same key.

A request without a key is handled as before (a script, an old page still open)."""

import datetime
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from lianyun.core.models import Submission

FIELD = "_once"
KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")
WAIT_SECONDS = 10.0


def new_key() -> str:
    return secrets.token_urlsafe(32)


class _Unkept(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _where(key: str) -> str | None:
    return Submission.objects.filter(key=key).values_list("result", flat=True).first()


def once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a creating view at most once per submission key (see the module's text)."""

    @wraps(view)
    def handled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not KEY.fullmatch(key):
            return view(request, *args, **kwargs)
        earlier = _where(key)
        if earlier:
            return redirect(earlier)
        try:
            with transaction.atomic():
                Submission.objects.create(key=key, made_at=timezone.now(), result="")
                response = view(request, *args, **kwargs)
                target = response.get("Location", "") if response.status_code in (302, 303) else ""
                if not target:
                    raise _Unkept(response)  # nothing was made: the key stays free
                Submission.objects.filter(key=key).update(result=target[:300])
        except _Unkept as unkept:
            return unkept.response
        except IntegrityError:
            # The same key is being handled by another request: go where it went.
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                earlier = _where(key)
                if earlier:
                    return redirect(earlier)
                time.sleep(0.1)
            raise
        return response

    return handled


def forget_old(days: int = 2) -> int:
    """The keys older than `days` days are dropped (the daily task)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = Submission.objects.filter(made_at__lt=cutoff).delete()
    return deleted
