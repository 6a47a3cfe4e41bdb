import pytest

from lianyun.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Limits count in the cache; each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
