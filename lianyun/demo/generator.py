"""Deterministic synthetic county: regions, units, households, residents, cadres, relatives.

The same seed and scale give the same county, row for row, so tests and benchmarks can
name people. Only synthetic ID numbers with valid check digits are made. Primary keys are
assigned here (the database is empty when this runs) so that a household can name its head
before the head's row exists; foreign keys are checked at commit.
"""

import base64
import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from lianyun.accounts.models import TOTP_CONTEXT, User
from lianyun.core import crypto
from lianyun.core.idnumbers import synthetic_id_number
from lianyun.demo import county
from lianyun.people.models import (
    Household,
    Post,
    Relation,
    Relative,
    Resident,
)
from lianyun.regions.codes import town_prefix
from lianyun.regions.models import Region, RegionForm, RegionKind, Unit, UnitKind

BATCH = 5000
# The demo's dates move with the day it is loaded, while the yearly social evaluation survey
# keeps its place in the calendar (8 October), up to 26 months before. Whoever is 18 to 20
# today was a minor at one of the last two surveys on some days and an adult on others, so
# the demo's register has nobody of that age: the surveys draw the same people on any day.
ADULT_AT_A_SURVEY = (18, 20)
POSTS_FROM = 2021  # the village committees' current term began in spring 2021


def months_before(first: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months before `first` (itself a first day)."""
    index = first.year * 12 + first.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scale:
    towns: int
    villages_per_town: int
    households_per_village: int


SCALES = {
    "small": Scale(towns=4, villages_per_town=3, households_per_village=12),
    "standard": Scale(towns=31, villages_per_town=8, households_per_village=42),
    "county": Scale(towns=31, villages_per_town=17, households_per_village=570),
}


@dataclass
class DemoCounty:
    """What the generator made, for the loader's summary and the demo accounts."""

    county: Region
    towns: dict[str, Region] = field(default_factory=dict)
    villages: dict[str, Region] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    village_secretary: dict[str, int] = field(default_factory=dict)  # village code → resident pk
    first_villager: dict[str, int] = field(default_factory=dict)  # village code → resident pk
    residents: int = 0
    households: int = 0
    posts: int = 0
    relatives: int = 0


Progress = Callable[[int], None]


class Generator:
    def __init__(self, seed: int, scale: Scale, today: datetime.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        # Ages are counted in whole months back from the first of this month, so that who is
        # 80 at the end of each of the last months (高龄津贴) is the same on any day it runs.
        self.month = (today or timezone.localdate()).replace(day=1)
        self.used_ids: set[str] = set()
        self.next_card = 0
        self.resident_pk = 0
        self.household_pk = 0

    # --- names and numbers -------------------------------------------------------------
    def surname(self) -> str:
        if self.rng.random() < 0.004:
            return self.rng.choice(county.COMPOUND_SURNAMES)
        return self.rng.choice(county.SURNAMES)

    def given_name(self, is_male: bool) -> str:
        pool = county.MALE_GIVEN if is_male else county.FEMALE_GIVEN
        length = 1 if self.rng.random() < 0.25 else 2
        return "".join(self.rng.choice(pool) for _ in range(length))

    def id_number(self, birth: datetime.date, is_male: bool) -> str:
        while True:
            number = synthetic_id_number(
                self.rng, region_code="511923", birth_date=birth, is_male=is_male
            )
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def birth_date(self, age: int) -> datetime.date:
        """Born `age` years, some months and under 28 days before the first of this month."""
        months, days = divmod(self.rng.randrange(12 * 28), 28)
        return months_before(self.month, 12 * age + months) - datetime.timedelta(days=days)

    def card_number(self) -> str:
        self.next_card += 1
        return f"S{self.next_card:08d}"

    def bank_account(self) -> str:
        body = "621790" + "".join(str(self.rng.randrange(10)) for _ in range(12))
        return body + _luhn_digit(body)

    def phone(self) -> str:
        return (
            "1" + self.rng.choice("3578") + "".join(str(self.rng.randrange(10)) for _ in range(9))
        )

    # --- the tree ----------------------------------------------------------------------
    def regions(self) -> DemoCounty:
        root = Region.objects.create(
            code=county.COUNTY_CODE,
            name=county.COUNTY_NAME,
            kind=RegionKind.COUNTY,
            form=RegionForm.COUNTY,
        )
        made = DemoCounty(county=root)
        towns = county.TOWNS
        if self.scale.towns < len(towns):
            wanted = set(county.SMALL_TOWNS[: self.scale.towns])
            towns = [town for town in towns if town[0] in wanted]
        town_rows = [
            Region(
                code=f"{code}000",
                name=name,
                kind=RegionKind.TOWN,
                parent=root,
                form=RegionForm.SUBDISTRICT if name.endswith("街道") else RegionForm.TOWN,
            )
            for code, name in towns
        ]
        Region.objects.bulk_create(town_rows)
        for town in Region.objects.filter(kind=RegionKind.TOWN):
            made.towns[town.code] = town
        village_rows: list[Region] = []
        for town in made.towns.values():
            village_rows.extend(self.villages_of(town))
        Region.objects.bulk_create(village_rows, batch_size=BATCH)
        for village in Region.objects.filter(kind=RegionKind.VILLAGE).select_related("parent"):
            made.villages[village.code] = village
        return made

    def villages_of(self, town: Region) -> list[Region]:
        prefix = town_prefix(town.code)
        rows: list[Region] = []
        names: set[str] = set()
        # Towns differ in size: between 60 % and 140 % of the scale's average.
        count = max(2, round(self.scale.villages_per_town * self.rng.uniform(0.6, 1.4)))
        if town.form == RegionForm.SUBDISTRICT:
            # Subdistricts: half communities (001-199), half villages (200-399).
            for number in range(1, count // 2 + 1):
                name = (
                    self.rng.choice([n for n in county.COMMUNITY_NAMES if n + "社区" not in names])
                    + "社区"
                )
                names.add(name)
                rows.append(
                    Region(
                        code=f"{prefix}{number:03d}",
                        name=name,
                        kind=RegionKind.VILLAGE,
                        form=RegionForm.COMMUNITY,
                        parent=town,
                    )
                )
            count -= count // 2
        named = {
            code: name for code, name in county.NAMED_VILLAGES.items() if code.startswith(prefix)
        }
        villages = dict(named)
        number = 201
        while len(villages) < count:
            code = f"{prefix}{number:03d}"
            number += 1
            if code not in villages:
                villages[code] = self.village_name(names | set(villages.values()))
        for code, name in sorted(villages.items()):
            rows.append(
                Region(
                    code=code,
                    name=name,
                    kind=RegionKind.VILLAGE,
                    form=RegionForm.VILLAGE,
                    parent=town,
                )
            )
        return rows

    def village_name(self, taken: set[str]) -> str:
        while True:
            name = (
                self.rng.choice(county.VILLAGE_PREFIXES)
                + self.rng.choice(county.VILLAGE_SUFFIXES)
                + "村"
            )
            if name not in taken:
                taken.add(name)
                return name

    def units(self, made: DemoCounty) -> None:
        commission = Unit.objects.create(
            name=county.COUNTY_COMMISSION, kind=UnitKind.COMMISSION, region=made.county
        )
        made.units["county_commission"] = commission
        for name in county.COUNTY_DEPARTMENTS:
            made.units[name] = Unit.objects.create(
                name=name, kind=UnitKind.DEPARTMENT, region=made.county
            )
        rows: list[Unit] = []
        for town in made.towns.values():
            rows.append(
                Unit(
                    name=f"{town.name}纪律检查委员会",
                    kind=UnitKind.COMMISSION,
                    region=town,
                    parent=commission,
                )
            )
            rows.append(
                Unit(name=f"中共{town.name}委员会", kind=UnitKind.PARTY_COMMITTEE, region=town)
            )
        for village in made.villages.values():
            committee = "居民委员会" if village.form == RegionForm.COMMUNITY else "村民委员会"
            rows.append(
                Unit(
                    name=f"{village.name}{committee}",
                    kind=UnitKind.VILLAGE_COMMITTEE,
                    region=village,
                )
            )
            rows.append(
                Unit(
                    name=f"{village.name}务监督委员会"
                    if village.form == RegionForm.VILLAGE
                    else f"{village.name}居务监督委员会",
                    kind=UnitKind.VILLAGE_SUPERVISION,
                    region=village,
                )
            )
        Unit.objects.bulk_create(rows, batch_size=BATCH)
        for unit in Unit.objects.filter(
            region__kind__in=[RegionKind.TOWN, RegionKind.VILLAGE]
        ).select_related("region"):
            made.units[f"{unit.region.code}:{unit.kind}"] = unit

    # --- people ------------------------------------------------------------------------
    def household_members(self, surname: str) -> list[tuple[str, bool, int, str]]:
        """(name, is_male, age, relation to head) for one household, head first."""
        head_male = self.rng.random() < 0.8
        head_age = self.rng.randint(28, 78)
        members = [(surname + self.given_name(head_male), head_male, head_age, "head")]
        if self.rng.random() < 0.85:
            spouse_age = max(20, head_age + self.rng.randint(-5, 5))
            spouse_surname = self.surname()
            members.append(
                (
                    spouse_surname + self.given_name(not head_male),
                    not head_male,
                    spouse_age,
                    Relation.SPOUSE,
                )
            )
        if head_age < 70:
            for _ in range(self.rng.choice((0, 1, 2, 2, 2, 3))):
                age = self.rng.randint(0, max(0, min(head_age - 20, 50)))
                if ADULT_AT_A_SURVEY[0] <= age <= ADULT_AT_A_SURVEY[1]:
                    age = 2 * ADULT_AT_A_SURVEY[0] - 1 - age  # 18, 19, 20 become 17, 16, 15
                male = self.rng.random() < 0.52
                members.append((surname + self.given_name(male), male, age, Relation.CHILD))
        if head_age < 58 and self.rng.random() < 0.5:
            # One or both of the head's parents live with the household.
            for parent_male in (
                (True, False) if self.rng.random() < 0.5 else (self.rng.random() < 0.4,)
            ):
                age = head_age + self.rng.randint(22, 32)
                parent_surname = surname if parent_male else self.surname()
                members.append(
                    (
                        parent_surname + self.given_name(parent_male),
                        parent_male,
                        age,
                        Relation.PARENT,
                    )
                )
        return members

    def people(self, made: DemoCounty, progress: Progress) -> None:
        households: list[Household] = []
        residents: list[Resident] = []
        relations: dict[int, list[tuple[int, str]]] = {}  # head pk → [(member pk, relation)]
        heads_by_village: dict[str, list[int]] = {}

        def flush() -> None:
            Household.objects.bulk_create(households, batch_size=BATCH)
            Resident.objects.bulk_create(residents, batch_size=BATCH)
            progress(len(households))
            made.households += len(households)
            made.residents += len(residents)
            households.clear()
            residents.clear()

        for village in made.villages.values():
            heads_by_village[village.code] = []
            size = max(5, round(self.scale.households_per_village * self.rng.uniform(0.5, 1.5)))
            for number in range(1, size + 1):
                self.household_pk += 1
                surname = self.surname()
                members = self.household_members(surname)
                household = Household(pk=self.household_pk, number=f"{number:04d}", village=village)
                households.append(household)
                head_pk = self.resident_pk + 1
                household.head_id = head_pk
                relations[head_pk] = []
                for name, is_male, age, relation in members:
                    self.resident_pk += 1
                    residents.append(
                        self.resident(
                            self.resident_pk,
                            name,
                            is_male,
                            age,
                            village,
                            household,
                            with_phone=relation == "head",
                        )
                    )
                    if relation != "head":
                        relations[head_pk].append((self.resident_pk, relation))
                heads_by_village[village.code].append(head_pk)
            if len(residents) >= BATCH:
                flush()
        flush()
        self.cadres(made, heads_by_village, relations)

    def resident(
        self,
        pk: int,
        name: str,
        is_male: bool,
        age: int,
        village: Region,
        household: Household,
        *,
        with_phone: bool,
    ) -> Resident:
        birth = self.birth_date(age)
        number = self.id_number(birth, is_male)
        resident = Resident(
            pk=pk,
            name=name,
            birth_date=birth,
            is_male=is_male,
            village=village,
            household=household,
        )
        resident.set_id_number(number)
        resident.set_card_number(self.card_number())
        if age >= 16:
            resident.set_bank_account(self.bank_account())
        if with_phone:
            resident.set_phone(self.phone())
        return resident

    def cadres(
        self,
        made: DemoCounty,
        heads_by_village: dict[str, list[int]],
        relations: dict[int, list[tuple[int, str]]],
    ) -> None:
        """Four posts a village, held by heads of households, each declaring the household."""
        titles = [
            ("village_committee", "党组织书记、主任"),
            ("village_committee", "副主任"),
            ("village_committee", "文书"),
            ("village_supervision", "主任"),
        ]
        posts: list[Post] = []
        relatives: list[Relative] = []
        for code, heads in heads_by_village.items():
            chosen = self.rng.sample(heads, k=min(len(heads), len(titles)))
            made.village_secretary[code] = chosen[0]
            made.first_villager[code] = next(pk for pk in heads if pk not in chosen)
            for (kind, title), holder in zip(titles, chosen, strict=False):
                start = datetime.date(POSTS_FROM, self.rng.choice((3, 4, 5)), 1)
                posts.append(
                    Post(
                        unit=made.units[f"{code}:{kind}"],
                        holder_id=holder,
                        title=title,
                        start=start,
                    )
                )
                for member, relation in relations[holder]:
                    relatives.append(
                        Relative(
                            cadre_id=holder,
                            relative_id=member,
                            relation=relation,
                            declared_on=start,
                        )
                    )
        Post.objects.bulk_create(posts, batch_size=BATCH)
        Relative.objects.bulk_create(relatives, batch_size=BATCH)
        made.posts, made.relatives = len(posts), len(relatives)


def _luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def reset_sequences(models: list[type[Model]]) -> None:
    """Move each table's key sequence to just past its highest key: after inserting explicit
    primary keys, and before a demo load, so that an emptied table numbers from 1 again and
    the same seed gives the same keys (samples and papers are drawn with them)."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for model in models:
                table = connection.ops.quote_name(model._meta.db_table)
                column = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(
                    f"UPDATE sqlite_sequence SET seq = "  # noqa: S608 - our own tables
                    f"(SELECT COALESCE(MAX({column}), 0) FROM {table}) WHERE name = %s",
                    [model._meta.db_table],
                )
            return
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def totp_secret(rng: random.Random) -> str:
    return base64.b32encode(rng.randbytes(20)).decode()


def quiet_official(rng: random.Random, **fields: Any) -> User:
    """An unsaved official account that never signs in to the demo: no usable password
    (hashing one for each of hundreds would take seconds) and, like every official, a second
    factor."""
    return User(
        password=make_password(None),
        totp_secret_encrypted=crypto.encrypt(totp_secret(rng), context=TOTP_CONTEXT),
        **fields,
    )


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
