"""Shared by the inspection tests: an inspector, a group of town A, a visit."""

import datetime

import pytest
from django.utils import timezone

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.inspections import actions
from lianyun.inspections.models import InspectionGroup, Visit
from lianyun.people.models import Resident
from lianyun.testing import PASSWORD, Cast

D = datetime.date


def inspector(cast: Cast, username: str, resident: Resident | None = None) -> User:
    user = create_account(
        username=username, password=PASSWORD, role=Role.INSPECTOR, region=cast.town_a
    ).user
    user.resident = resident
    user.save()
    return user


@pytest.fixture
def group(county: Cast) -> InspectionGroup:
    leader = inspector(county, "leader")
    member = inspector(county, "member")
    return actions.form_group(
        town=county.town_a,
        name="佛楼镇第一巡检组",
        formed_on=D(2026, 1, 5),
        leader=leader,
        members=[member],
        villages=[county.village_a1, county.village_a2],
        actor=county.town_secretary.user,
    )


def visit(group: InspectionGroup, cast: Cast, **extra: object) -> Visit:
    data: dict[str, object] = {
        "group": group,
        "village": cast.village_a1,
        "kind": "account_check",
        "visited_on": D(2026, 11, 3),
        "minutes": 90,
        "actor": group.members.get(is_leader=True).user,
        "people_met": "村会计、村务监督委员会主任",
        "notes": "核对10月报账单据。",
    }
    data.update(extra)
    return actions.log_visit(**data)  # type: ignore[arg-type]


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
