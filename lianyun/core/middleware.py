"""Refuse an oversized request before Django reads its body (no temporary file is written), and
show the app's own page for a missing one."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class NulCharacterMiddleware:
    """No text anyone types holds a NUL character, and PostgreSQL refuses to compare one (the
    query fails, a 500). A request that carries one in its path, its query string or a form
    body sent urlencoded is refused as unreadable before any view sees it. Multipart bodies
    are left to their forms, whose text fields refuse NUL themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from lianyun.core.views import bad_request

        query = request.META.get("QUERY_STRING", "")
        urlencoded = request.content_type == "application/x-www-form-urlencoded"
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or (urlencoded and b"%00" in request.body)
        ):
            return bad_request(request)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        cap = settings.LIANYUN_REQUEST_MAX_BYTES
        if request.path.startswith(settings.LIANYUN_PAYOUT_FILE_PATHS):
            cap = settings.LIANYUN_PAYOUT_FILE_MAX_BYTES + 64 * 1024  # the form around the file
        if length > cap:
            limit = cap // (1024 * 1024)
            return HttpResponse(
                _("The upload is too large: at most %(mb)d MB in one submission.") % {"mb": limit},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """With DEBUG on (the demo, development), Django answers a missing page with its technical
    page. A villager trying the demo should meet the app's own page, in their language, as in
    production: this swaps it in. The technical page is still in the server's log."""

    TECHNICAL = b'<meta name="robots" content="NONE,NOARCHIVE">'

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and self.TECHNICAL in getattr(response, "content", b"")
        ):
            return render(request, "404.html", status=404)
        return response
