from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest
from lianyun.portal.functions import FUNCTIONS
from lianyun.portal.queries import villager_home


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    show_official = bool(getattr(user, "is_official", False))
    functions = [f for f in FUNCTIONS if show_official or not f.officials_only]
    return render(request, "portal/home.html", {"functions": functions})


@login_required
@never_cache
def mine(request: SignedInRequest) -> HttpResponse:
    """我的: a signed-in villager's own petitions, questions, surveys, meetings and notices.
    Officials have their workspace instead."""
    user = request.user
    if not isinstance(user, User) or user.is_official:
        return redirect("workspace:home")
    return render(request, "portal/mine.html", {"home": villager_home(user)})


def function_page(request: HttpRequest, code: str) -> HttpResponse:
    function = next((f for f in FUNCTIONS if f.code == code), None)
    if function is None:
        raise Http404
    if function.url_name:
        return redirect(function.url_name)
    return render(request, "portal/function_unavailable.html", {"function": function})


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html")


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Lianyun integrity supervision"),
        "short_name": _("Lianyun"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> FileResponse:
    """Serve the worker from the site root so that its scope covers every page."""
    path = finders.find("js/sw.js")
    if not path or isinstance(path, list):
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115
    response["Service-Worker-Allowed"] = "/"
    return response


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
