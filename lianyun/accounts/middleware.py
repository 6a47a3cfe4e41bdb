"""Idle and absolute session limits for officials (docs/security.md: ≤ 30 min idle, ≤ 12 h)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

AUTH_AT = "lianyun_auth_at"
SEEN_AT = "lianyun_seen_at"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            auth_at = request.session.get(AUTH_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle = now - seen_at > settings.LIANYUN_SESSION_IDLE_MINUTES * 60
            too_old = now - auth_at > settings.LIANYUN_SESSION_ABSOLUTE_HOURS * 3600
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session ended; please sign in again."))
                return redirect(settings.LOGIN_URL)
            request.session[AUTH_AT] = auth_at
            request.session[SEEN_AT] = now
        return self.get_response(request)
