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


def _count_up(name: str, subject: str) -> int:
    """One more against the limit; the count so far, this one included."""
    _limit, window = settings.LIANYUN_LIMITS[name]
    key = _key(name, subject)
    if hasattr(cache, "count_up"):  # our Redis cache: one round trip (lianyun.core.cache)
        return int(cache.count_up(key, window))
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(name: str, subject: str) -> None:
    _count_up(name, subject)


def spend(name: str, subject: str) -> bool:
    """Count one use against a limit on every use (not only failures); True once past it."""
    limit, _window = settings.LIANYUN_LIMITS[name]
    return _count_up(name, subject) > limit


def device_key(request: HttpRequest) -> str:
    """What a per-device limit counts on: the browser's CSRF secret, which every form post
    carries (made now if the browser has none), so no session is written before the answer.
    Rural mobile networks put a whole village behind one address: never the IP."""
    if "CSRF_COOKIE" not in request.META:  # the middleware read none from the browser
        get_token(request)
    return f"csrf:{request.META['CSRF_COOKIE']}"
