"""Django's Redis cache, with two changes for pages that touch the cache on every request.

1. One Redis client per connection pool, kept. Django's client builds a new `redis.Redis` for
   every operation, filling its table of ~200 reply handlers each time.
2. `count_up(key, timeout)`: start a counter with its expiry if there is none and add one,
   in one round trip, returning the new count. Rate limits count this way; through the
   generic API (add, then incr, which asks whether the key exists first) it took three.

The two together took a personal lookup's application time under load from 8.2 to 6.5 ms of
processor time (bench/lookup_load.py's set-up on 1,000,000 rows, per-process CPU from /proc).
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # The stubs do not declare the parent's helpers; Django's own get_client uses them.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _KeptClient

    def count_up(self, key: str, timeout: int, version: int | None = None) -> int:
        """Add one to the counter at key, made with this expiry (seconds) if missing."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        _made, count = pipe.execute()
        return int(count)
