import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.actions import account_named, claim_totp_step, record_login, totp_step
from lianyun.accounts.forms import LoginForm
from lianyun.accounts.middleware import AUTH_AT, SEEN_AT
from lianyun.accounts.models import User


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return ""


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # Both factors are checked every time, and one message answers whatever was wrong: a
        # different answer for a wrong code would confirm the password.
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        named = account_named(username)
        step = totp_step(named, form.cleaned_data["otp_code"])
        official = user if isinstance(user, User) and user.is_official else None
        code_ok = official is None or (step is not None and claim_totp_step(official, step))
        if user is None or not code_ok:
            if user is not None:
                # A wrong code with the right password counts toward the account's lockout,
                # as a wrong password does (authenticate() has already counted that).
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=request
                )
            form.add_error(None, _("The username, password or authenticator code is wrong."))
        else:
            login(request, user)  # rotates the session id
            request.session[AUTH_AT] = request.session[SEEN_AT] = int(time.time())
            if isinstance(user, User):
                record_login(user=user)
            # A villager's own page is 我的; an official's is the workspace.
            home = "workspace:home" if getattr(user, "is_official", False) else "portal:mine"
            return redirect(_next_url(request) or home)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """Axes calls this when the account has too many recent failures."""
    form = LoginForm(request.POST or None)
    form.is_valid()
    form.add_error(
        None,
        _("Too many failed sign-ins for this account. It unlocks by itself in %(minutes)d minutes.")
        % {"minutes": _cooloff_minutes()},
    )
    return render(request, "accounts/login.html", {"form": form, "next": ""}, status=429)


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")
