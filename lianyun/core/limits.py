"""Counting failed attempts in the cache, for brute-force limits (figures in settings)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token


def _key(name: str, subject: str) -> str:
    # Hashed so that a cache dump shows no receipt locator or session id.
    return "limit:" + name + ":" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def is_blocked(name: str, subject: str) -> bool:
    limit, _window = settings.LIANYUN_LIMITS[name]
    return int(cache.get(_key(name, subject), 0)) >= limit


def record_failure(name: str, subject: str) -> None:
    _limit, window = settings.LIANYUN_LIMITS[name]
    key = _key(name, subject)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def device_key(request: HttpRequest) -> str:
    """What a per-device limit counts on: the browser's CSRF secret, which every form post
    carries (made now if the browser has none), so no session is written before the answer.
    Rural mobile networks put a whole village behind one address: never the IP."""
    get_token(request)
    return f"csrf:{request.META['CSRF_COOKIE']}"
