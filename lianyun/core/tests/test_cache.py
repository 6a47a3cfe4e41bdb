"""The Redis cache as production runs it (a real Redis): one kept client, limits counted in
one round trip, and the same counts as the generic cache path."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from lianyun.core import limits


@pytest.fixture
def redis_cache():  # type: ignore[no-untyped-def]
    # A prefix of its own: the SQLite and PostgreSQL suites run side by side on one Redis.
    prefix = f"test-{uuid.uuid4().hex}"
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "lianyun.core.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/11",
                "KEY_PREFIX": prefix,
            }
        }
    ):
        yield cache


def test_the_client_is_kept_between_operations(redis_cache) -> None:  # type: ignore[no-untyped-def]
    client = redis_cache._cache.get_client(write=True)
    redis_cache.set("a", 1)
    assert redis_cache.get("a") == 1
    assert redis_cache._cache.get_client(write=True) is client


def test_count_up_starts_a_counter_with_its_expiry_and_adds_one(redis_cache) -> None:  # type: ignore[no-untyped-def]
    assert [redis_cache.count_up("n", 60) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("n") == 3  # readable through the ordinary API
    raw = redis_cache._cache.get_client(write=True)
    ttl = raw.ttl(redis_cache.make_and_validate_key("n"))
    assert 0 < ttl <= 60  # the expiry was set once, when the counter was made
    redis_cache.set("m", 5, timeout=30)
    assert redis_cache.count_up("m", 60) == 6  # an existing counter keeps its expiry
    assert raw.ttl(redis_cache.make_and_validate_key("m")) <= 30


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_a_limit_is_spent_after_as_many_uses_on_either_cache(backend, request) -> None:  # type: ignore[no-untyped-def]
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    limit, _window = settings.LIANYUN_LIMITS["lookup_codes_per_target"]
    target = uuid.uuid4().hex
    spent = [limits.spend("lookup_codes_per_target", target) for _ in range(limit + 2)]
    assert spent == [False] * limit + [True, True]
    assert limits.is_blocked("lookup_codes_per_target", target)
    assert not limits.is_blocked("lookup_codes_per_target", uuid.uuid4().hex)
