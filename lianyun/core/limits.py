"""Counting attempts in the cache, for brute-force and flood limits (figures in settings).

What a limit counts on must be something the client cannot reset. A cookie is not (a script
drops it and starts afresh), so limits count on the network address the request came from,
read through the configured trusted proxies (client_address), usually paired with what the
request is about (the receipt, the person looked up): a stranger's failures then block the
stranger for that target, never the owner elsewhere. Alone, the address is only a ceiling set
high enough for a whole village behind one carrier-grade NAT address.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(name: str, subject: str) -> str:
    # Hashed so that a cache dump shows no receipt locator or session id.
    return "limit:" + name + ":" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def count(name: str, subject: str) -> int:
    """The uses or failures counted so far in the window."""
    return int(cache.get(_key(name, subject), 0))


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


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(
        address in ipaddress.ip_network(proxy, strict=False)
        for proxy in settings.LIANYUN_TRUSTED_PROXIES
    )


def client_address(request: HttpRequest) -> str:
    """The address the request came from. X-Forwarded-For is read only when the peer itself is
    a trusted proxy (nginx in front of the application), from the right, skipping the trusted
    proxies: the first address that is not one of ours is the client. A header sent by anyone
    else is ignored, so nobody picks their own key. An IPv6 client counts by its /64, the
    smallest network a subscriber is given."""
    # No peer address (a test harness, a Unix socket without one) counts as one client.
    peer = _address(request.META.get("REMOTE_ADDR", "")) or ipaddress.IPv4Address(0)
    chosen = peer
    if _trusted(peer):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a malformed hop: trust nothing to its left
            chosen = address
            if not _trusted(address):
                break
    if chosen.version == 6:
        return str(ipaddress.ip_network(f"{chosen}/64", strict=False))
    return str(chosen)


def client_key(request: HttpRequest, target: str = "") -> str:
    """The subject of a per-client limit: the client's address, joined to a target (a receipt's
    locator, the person looked up) when the limit is per target and client."""
    return f"{client_address(request)}|{target}"
