"""S15: the generated OpenAPI schema is valid and fuzzing it with every check schemathesis has
finds no server error, no response outside the schema, no header or content type the schema
does not promise, no malformed input accepted and no endpoint that ignores its
authentication."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from lianyun.accounts.actions import issue_api_token
from lianyun.testing import build_cast, commissions, pow_header

load_all_checks()
# Every check schemathesis has, stateless and stateful alike (use_after_free,
# ensure_resource_availability and object_level_authorization look across calls).
ALL_CHECKS = CHECKS.get_all()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the request
    signals from closing the connection that holds the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    cast = build_cast()
    commissions(cast)
    return issue_api_token(user=cast.town_secretary.user, name="fuzz")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_survives_fuzzing(case: schemathesis.Case, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    # Anonymous filing and tracking need a solved proof of work, as a real client's would be.
    purpose = ""
    if "/petitions/track" in case.path:
        purpose = "track"
    elif case.path.endswith("/petitions") and case.method.upper() == "POST":
        purpose = "petition"
    if purpose:
        headers["X-Altcha"] = pow_header(purpose)["HTTP_X_ALTCHA"]
    case.call_and_validate(
        headers=headers,
        checks=ALL_CHECKS,
    )
