import datetime
import random

import pytest
from django.utils import timezone

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.core.idnumbers import synthetic_id_number
from lianyun.core.roles import Role
from lianyun.people.models import Household, Post, Resident
from lianyun.regions.models import Region, RegionForm, RegionKind, Unit, UnitKind
from lianyun.testing import Cast

# A fixed, ordinary week: Monday 2026-11-02 to Friday 2026-11-06.
MONDAY = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def committee(county: Cast) -> Unit:
    return Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=county.village_a1)


@pytest.fixture
def asker(county: Cast) -> Resident:
    """欧阳娜娜 of 石林村, with a villager account of her own."""
    person = Resident.objects.get(name="欧阳娜娜")
    person.set_phone("13800001111")
    person.save()
    account = county.villager.user
    account.resident = person
    account.save()
    return person


@pytest.fixture
def other_cadre(county: Cast) -> User:
    """The secretary of 石林村's committee: a village cadre of another unit."""
    unit = Unit.objects.create(
        name="石林村村民委员会", kind=UnitKind.VILLAGE_COMMITTEE, region=county.village_a2
    )
    household = Household.objects.create(number="0099", village=county.village_a2)
    holder = Resident(
        name="李明",
        birth_date=datetime.date(1975, 1, 1),
        is_male=True,
        village=county.village_a2,
        household=household,
    )
    holder.set_id_number(
        synthetic_id_number(
            random.Random(5), region_code="511923", birth_date=holder.birth_date, is_male=True
        )
    )
    holder.save()
    Post.objects.create(unit=unit, holder=holder, title="主任", start=datetime.date(2021, 4, 1))
    user = create_account(
        username="other_cadre",
        password="x" * 16,
        role=Role.VILLAGE_CADRE,
        region=county.village_a2,
    ).user
    user.resident = holder
    user.save()
    return user


@pytest.fixture
def outside_unit(county: Cast) -> Unit:
    """A unit of another county (巴州区)."""
    city = Region.objects.create(
        code="511902000000", name="巴州区", kind=RegionKind.COUNTY, form=RegionForm.COUNTY
    )
    return Unit.objects.create(name="巴州区民政局", kind=UnitKind.DEPARTMENT, region=city)
