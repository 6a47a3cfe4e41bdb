"""/healthz: 200 when the database, the cache and the queue answer; 503 naming the one that
does not; nothing else in the answer."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_a_healthy_server_says_ok() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}
    assert set(body) == {"status", "checks"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "lianyun.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_an_unreachable_cache_answers_503_naming_it() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unreachable"
    assert response.json()["checks"]["database"] == "ok"


def test_only_get() -> None:
    assert Client().post("/healthz").status_code in (403, 405)
