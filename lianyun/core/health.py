"""/healthz for the load balancer and the monitoring: can this server reach the database, the
cache (and with it sessions and rate limits) and the task queue? Answers 200 when all three
answer, 503 naming the one that does not. Says nothing else: no version, no host, no timing,
no queue length (a count that moves when a report is filed would tell the world one was)."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


def _cache() -> None:
    key, value = "healthz:" + secrets.token_hex(8), secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("value not kept")
    finally:
        cache.delete(key)


def _queue() -> None:
    HUEY.pending_count()


@never_cache
@require_GET
def healthz(_request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, probe in (("database", _database), ("cache", _cache), ("queue", _queue)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # any failure is an unhealthy answer
            log.warning("healthz: %s unreachable (%s)", name, type(error).__name__)
            checks[name] = "unreachable"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
