"""Whole public pages cached for visitors who are not signed in.

A page such as a village's payout board is the same for every visitor without an account until
the data under it changes, except for two values that must differ per response: the CSRF token
of the language form and the nonce that lets the page's script run under the Content Security
Policy. The cached copy holds placeholders for both, and every response gets its own values, so
no visitor is ever handed another's token or nonce.

Only plain GETs are cached: not for a signed-in user (their name, their buttons), not while a
message waits to be shown, and not with query parameters the page does not know (a crawler
cannot fill the cache with junk addresses)."""

import hashlib
import re
from collections.abc import Callable, Iterable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__lianyun_csrf__"
NONCE_PLACEHOLDER = "__lianyun_nonce__"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cacheable(request: HttpRequest, params: Iterable[str]) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and set(request.GET) <= set(params)
        and len(get_messages(request)) == 0
    )


def _keepable(request: HttpRequest, response: HttpResponse) -> str | None:
    """The response's body with placeholders for its token and nonce, or None when it is not
    a whole, successful page that may be kept."""
    if response.status_code != 200 or response.streaming:
        return None
    body = response.content.decode(response.charset)
    for token in set(CSRF_FIELD.findall(body)):
        body = body.replace(token, CSRF_PLACEHOLDER)
    return body.replace(str(request.csp_nonce), NONCE_PLACEHOLDER)  # type: ignore[attr-defined]


def _filled(request: HttpRequest, body: str) -> str:
    return body.replace(CSRF_PLACEHOLDER, get_token(request)).replace(
        NONCE_PLACEHOLDER,
        str(request.csp_nonce),  # type: ignore[attr-defined]
    )


def anonymous_page(
    request: HttpRequest,
    version: Iterable[object],
    params: Iterable[str],
    render_page: Callable[[], HttpResponse],
    timeout: int = 600,
) -> HttpResponse:
    """The page from the cache when version (what the page shows depends on) is unchanged,
    else render_page() stored for the next visitor. version need not name the path, the query
    string or the language: they are part of the key anyway."""
    if not cacheable(request, params):
        return render_page()
    parts = [*map(str, version), request.get_full_path(), get_language() or ""]
    key = "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        response = render_page()
        body = _keepable(request, response)
        if body is None:
            return response
        cache.set(key, body, timeout)
    return HttpResponse(_filled(request, body))


_SHELLS: dict[tuple[object, ...], str] = {}
SHELLS_KEPT = 64


@receiver(setting_changed)
def _forget_shells(**_kwargs: object) -> None:
    """A shell was rendered under the settings of its time (tests change them)."""
    _SHELLS.clear()


def from_shell(
    request: HttpRequest,
    key: Iterable[object],
    render_shell: Callable[[], HttpResponse],
    fills: dict[str, str],
) -> HttpResponse | None:
    """A page whose every byte is the same for visitors without an account, given key and the
    language, except its marked places: rendered once per server process with marks where the
    per-visitor parts go (fills: mark -> escaped HTML), the token and nonce placeholders filled
    per response. A shell holds nothing about a person, so it is kept in the process, not in
    the shared cache. None when the visitor must get a page of their own (signed in, a message
    waiting, a query string); the caller renders it in full."""
    if request.user.is_authenticated or request.GET or len(get_messages(request)) != 0:
        return None
    full_key = (*key, get_language() or "")
    body = _SHELLS.get(full_key)
    if body is None:
        body = _keepable(request, render_shell())
        if body is None:
            return None
        if len(_SHELLS) >= SHELLS_KEPT:
            _SHELLS.clear()
        _SHELLS[full_key] = body
    # Token and nonce first, then every mark in one pass: what fills a mark (a payout's text,
    # say) is never searched for placeholders or other marks.
    body = _filled(request, body)
    if fills:
        marks = re.compile("|".join(map(re.escape, fills)))
        body = marks.sub(lambda found: fills[found.group()], body)
    return HttpResponse(body)
