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

from lianyun.accounts.actions import record_login, totp_is_valid
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
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The username or password is wrong."))
        elif (
            isinstance(user, User)
            and user.is_official
            and not totp_is_valid(user, form.cleaned_data["otp_code"])
        ):
            # A wrong code counts toward the account's lockout like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=request
            )
            form.add_error("otp_code", _("The authenticator code is wrong or has expired."))
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
