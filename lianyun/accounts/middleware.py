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
SEEN_STEP_SECONDS = 60


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
            # Written only when they change by a minute or more: a session saved on every
            # request lets the slower of two requests sent at once (a double tap) overwrite
            # what the faster one stored (a quiz handed in) with its own older copy.
            if AUTH_AT not in request.session:
                request.session[AUTH_AT] = auth_at
            if SEEN_AT not in request.session or now - seen_at >= SEEN_STEP_SECONDS:
                request.session[SEEN_AT] = now
        return self.get_response(request)
