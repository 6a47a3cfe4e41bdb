from collections.abc import Iterator
from typing import Any

import pytest

from lianyun.people.models import Resident
from lianyun.testing import Cast, build_cast, commissions, load_catalogue, payout_person


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Every test makes accounts and signs in; Argon2id keeps its algorithm at a test's cost."""
    settings.PASSWORD_HASHERS = [
        "lianyun.testing.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS[1:],
    ]


@pytest.fixture(autouse=True)
def _cheap_proof_of_work(settings) -> None:  # type: ignore[no-untyped-def]
    """The same challenges, checks and one-time use at the lowest cost: one try of one
    iteration (lianyun.testing.pow_field solves them)."""
    settings.LIANYUN_POW = {**settings.LIANYUN_POW, "cost": 1, "counter": 1}


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Stored files go under the test's own directory: the SQLite and PostgreSQL suites run
    side by side, and a shared folder let one suite see the other's files come and go."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Limits count in the cache; each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def county(cast: Cast) -> Cast:
    """The cast with commissions, county departments and the policy catalogue."""
    commissions(cast)
    load_catalogue(cast)
    return cast


@pytest.fixture
def person(county: Cast) -> tuple[str, Resident]:
    return payout_person(county)


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    """A test whose writes commit (threads see them); the database is emptied after it."""
    from lianyun.testing import empty_guarded_tables

    yield
    empty_guarded_tables()


@pytest.fixture(autouse=True, scope="session")
def _suite_clock(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """LIANYUN_TEST_CLOCK=2027-02-06T23:30+08:00 runs the whole suite as if it were then (the
    clock still ticks; tests that pin their own clock keep theirs). No test may depend on the
    day, the hour or the time zone it runs in: running the suite at a few awkward moments (a
    holiday, the last minutes of a year, a leap day) is how the ones that did were found."""
    import os

    when = os.environ.get("LIANYUN_TEST_CLOCK")
    if not when:
        yield
        return
    import time_machine

    with time_machine.travel(when, tick=True):
        yield
