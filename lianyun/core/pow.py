"""Proof of work for what anyone may send without an account (ALTCHA, self-hosted).

A petition, an objection, a receipt check, a payout lookup or a ballot code costs its sender a
moment of their own phone's work, found by the ALTCHA widget in the page (served by the app,
no outside service), and the server a keyed hash to check. An honest villager spends well
under a second once; a script sending thousands spends that thousands of times, and more:
the cost doubles as the sending address asks for more challenges than a person would, as its
attempts fail, and as the whole site is asked for more than usual. Nobody is ever refused for
what others do; a flood only makes its own senders slower.

The challenge (ALTCHA v2: PBKDF2/SHA-256, a secret counter the client must find) is signed
and carries what it is for and when it ends; each solution is good once.
"""

import hashlib
import math
import secrets
import time
from typing import Any

import altcha
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from lianyun.core import limits

PURPOSES = frozenset({"petition", "objection", "track", "lookup", "ballot"})
FIELD = "altcha"  # the form field the widget fills
HEADER = "HTTP_X_ALTCHA"  # the same, for API clients


def _secret(kind: str) -> str:
    return hashlib.sha256(f"lianyun.pow.{kind}:{settings.SECRET_KEY}".encode()).hexdigest()


def level(request: HttpRequest) -> int:
    """How many times the base cost doubles for this client now."""
    conf: dict[str, Any] = settings.LIANYUN_POW
    client = limits.client_address(request)
    asked = limits.count("pow_asked_per_client", client)
    failed = limits.count("pow_failures_per_client", client)
    everyone = limits.count("pow_asked", "all")
    steps = 0
    if asked > conf["calm_per_client"]:
        steps += int(math.log2(asked / conf["calm_per_client"])) + 1
    steps += failed // conf["failures_per_step"]
    if everyone > conf["calm_per_minute"]:
        steps += int(math.log2(everyone / conf["calm_per_minute"])) + 1
    return min(steps, conf["max_level"])


def challenge(request: HttpRequest, purpose: str) -> dict[str, Any]:
    """A signed challenge for one submission of this purpose, its cost set for this client."""
    conf: dict[str, Any] = settings.LIANYUN_POW
    steps = level(request)
    limits.record_failure("pow_asked_per_client", limits.client_address(request))
    limits.record_failure("pow_asked", "all")
    issued = altcha.create_challenge(
        conf["algorithm"],
        conf["cost"],
        counter=secrets.randbelow(conf["counter"] << steps),
        expires_at=int(time.time()) + conf["minutes"] * 60,
        data={"for": purpose},
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return issued.to_dict()


def solved(request: HttpRequest, purpose: str, payload: str | None = None) -> bool:
    """Whether the request carries a solution, for this purpose, not used before. The payload
    comes from the form field, or for API clients from the X-Altcha header."""
    if payload is None:
        payload = str(request.POST.get(FIELD) or request.META.get(HEADER) or "")
    if not payload or len(payload) > 4096:
        return False
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return False
    data = parsed.challenge.parameters.data or {}
    if not isinstance(data, dict) or data.get("for") != purpose:
        return False
    result = altcha.verify_solution(parsed, _secret("challenge"), hmac_key_secret=_secret("key"))
    if not result.verified:
        return False
    # Good once: the signature names this challenge.
    spent = f"pow:spent:{parsed.challenge.signature}"
    minutes = int(str(settings.LIANYUN_POW["minutes"]))
    return bool(cache.add(spent, 1, timeout=minutes * 60))


def failed(request: HttpRequest) -> None:
    """An attempt from this client failed (a wrong receipt, a wrong card): its next
    challenges cost more."""
    limits.record_failure("pow_failures_per_client", limits.client_address(request))


MISSING = gettext_lazy(
    "The page has not yet checked that a person is sending this. Wait a moment until it says "
    "so, then send again."
)


def require(request: HttpRequest, purpose: str) -> None:
    """solved(), or a refusal with the reason, raised before anything is written."""
    if not solved(request, purpose):
        raise ValidationError(MISSING)


def check(request: HttpRequest, purpose: str, form: Form) -> bool:
    """solved(), or the reason on the form (written nothing, the one-time key stays free)."""
    if solved(request, purpose):
        return True
    form.add_error(None, MISSING)
    return False
