"""The test cast: a small county with two towns, and one persona per kind of user.

Built through the same actions as production data, so tests exercise the real write paths.
"""

import datetime
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import DatabaseError, IntegrityError, connection, transaction

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.core.idnumbers import synthetic_id_number
from lianyun.core.roles import Role
from lianyun.people.models import Household, Post, Relation, Relative, Resident
from lianyun.regions.models import Region, RegionForm, RegionKind, Unit, UnitKind


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at its lowest cost, for tests only: the same algorithm and stored format as
    production's, without 100 MiB and a tenth of a second for every account a test makes."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


PASSWORD = "correct-horse-battery"  # noqa: S105 - test only
REPORTER = {
    "reporter_name": "彭运芳",
    "reporter_phone": "13812345678",
    "reporter_id_number": "360426199101010071",
}


@dataclass
class Persona:
    user: User
    totp_secret: str | None

    @property
    def username(self) -> str:
        return self.user.username

    def code(self) -> str:
        """An authenticator code the server has not accepted yet (each is good once)."""
        assert self.totp_secret  # noqa: S101
        self.user.refresh_from_db(fields=["totp_last_step"])
        return fresh_totp(self.totp_secret, self.user.totp_last_step)[0]


def fresh_totp(secret: str, last_step: int | None) -> tuple[str, int]:
    """(code, its step) for the earliest step the server still accepts after last_step: this
    step, or the next one (the server allows one step of clock drift); when both are used,
    wait for the clock."""
    totp = pyotp.TOTP(secret)
    for _ in range(200):
        now = totp.timecode(time.time())
        step = now if last_step is None or last_step < now else last_step + 1
        if step <= now + 1:
            return totp.generate_otp(step), step
        time.sleep(0.5)
    raise AssertionError("no unused authenticator code: is the clock frozen?")


@dataclass
class Cast:
    county: Region
    town_a: Region  # 佛楼镇
    town_b: Region  # 西兴镇
    village_a1: Region  # 三官寨村, in town A
    village_a2: Region
    village_b1: Region  # 黄柳村, in town B
    county_inspector: Persona  # county commission: sees the whole county
    town_secretary: Persona  # town A's commission: sees town A only
    village_cadre: Persona  # village A1's secretary, who may also be the subject of a report
    villager: Persona  # lives in village A1; no workspace at all
    outsider: Persona  # town B's commission: must never see town A's data
    cadre_resident: Resident
    relative_resident: Resident  # declared by the cadre
    residents: dict[str, Resident]  # by ID number, plaintext known to the tests


def _region(
    code: str, name: str, kind: RegionKind, form: RegionForm, parent: Region | None
) -> Region:
    return Region.objects.create(code=code, name=name, kind=kind, form=form, parent=parent)


def build_cast() -> Cast:
    rng = random.Random(7)
    county = _region("511923000000", "平昌县", RegionKind.COUNTY, RegionForm.COUNTY, None)
    town_a = _region("511923103000", "佛楼镇", RegionKind.TOWN, RegionForm.TOWN, county)
    town_b = _region("511923102000", "西兴镇", RegionKind.TOWN, RegionForm.TOWN, county)
    village_a1 = _region("511923103201", "三官寨村", RegionKind.VILLAGE, RegionForm.VILLAGE, town_a)
    village_a2 = _region("511923103202", "石林村", RegionKind.VILLAGE, RegionForm.VILLAGE, town_a)
    village_b1 = _region("511923102201", "黄柳村", RegionKind.VILLAGE, RegionForm.VILLAGE, town_b)
    committee = Unit.objects.create(
        name="三官寨村村民委员会", kind=UnitKind.VILLAGE_COMMITTEE, region=village_a1
    )

    residents: dict[str, Resident] = {}

    def resident(
        name: str, village: Region, household: Household, born: datetime.date, male: bool
    ) -> Resident:
        number = synthetic_id_number(rng, region_code="511923", birth_date=born, is_male=male)
        person = Resident(
            name=name, birth_date=born, is_male=male, village=village, household=household
        )
        person.set_id_number(number)
        person.save()
        residents[number] = person
        return person

    household_a = Household.objects.create(number="0001", village=village_a1)
    cadre = resident("袁建国", village_a1, household_a, datetime.date(1970, 3, 5), True)
    spouse = resident("彭秀英", village_a1, household_a, datetime.date(1972, 8, 9), False)
    household_a.head = cadre
    household_a.save()
    household_b = Household.objects.create(number="0001", village=village_b1)
    resident("冯用武", village_b1, household_b, datetime.date(1965, 1, 20), True)
    household_a2 = Household.objects.create(number="0001", village=village_a2)
    resident("欧阳娜娜", village_a2, household_a2, datetime.date(1990, 6, 1), False)
    Post.objects.create(
        unit=committee, holder=cadre, title="党组织书记、主任", start=datetime.date(2021, 4, 1)
    )
    Relative.objects.create(
        cadre=cadre,
        relative=spouse,
        relation=Relation.SPOUSE,
        declared_on=datetime.date(2021, 4, 1),
    )

    def persona(username: str, role: Role, region: Region) -> Persona:
        new = create_account(username=username, password=PASSWORD, role=role, region=region)
        return Persona(new.user, new.totp_secret)

    village_cadre = persona("village_cadre", Role.VILLAGE_CADRE, village_a1)
    village_cadre.user.resident = cadre
    village_cadre.user.save()
    return Cast(
        county=county,
        town_a=town_a,
        town_b=town_b,
        village_a1=village_a1,
        village_a2=village_a2,
        village_b1=village_b1,
        county_inspector=persona("county_inspector", Role.COUNTY_COMMISSION, county),
        town_secretary=persona("town_secretary", Role.TOWN_COMMISSION, town_a),
        village_cadre=village_cadre,
        villager=persona("villager", Role.VILLAGER, village_a1),
        outsider=persona("outsider", Role.TOWN_COMMISSION, town_b),
        cadre_resident=cadre,
        relative_resident=spouse,
        residents=residents,
    )


def commissions(cast: Cast) -> tuple[Unit, Unit]:
    """A county commission and town A's commission under it (created on first use)."""
    county_unit, _ = Unit.objects.get_or_create(
        name="平昌县纪委监委", region=cast.county, defaults={"kind": UnitKind.COMMISSION}
    )
    town_unit, _ = Unit.objects.get_or_create(
        name="佛楼镇纪律检查委员会",
        region=cast.town_a,
        defaults={"kind": UnitKind.COMMISSION, "parent": county_unit},
    )
    Unit.objects.get_or_create(
        name="西兴镇纪律检查委员会",
        region=cast.town_b,
        defaults={"kind": UnitKind.COMMISSION, "parent": county_unit},
    )
    return county_unit, town_unit


def every_cell_as_text() -> str:
    """Every cell of every table as text (bytes as latin-1): what a database dump would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        chunks.append(bytes(cell).decode("latin-1"))
                    else:
                        chunks.append(str(cell))
    return "\n".join(chunks)


# --- payouts -------------------------------------------------------------------------------

PAYOUT_HEADER = [
    "业务流水号",
    "身份证号",
    "姓名",
    "补贴项目",
    "发放期号",
    "金额",
    "发放时间",
    "乡镇",
    "村",
    "村代码",
    "银行账号",
]
DEPARTMENTS = [
    "平昌县民政局",
    "平昌县农业农村局",
    "平昌县林业局",
    "平昌县人力资源和社会保障局",
    "平昌县卫生健康局",
]
CARD = "S12345678"


def load_catalogue(cast: Cast) -> dict[str, Any]:
    """The bundled policy catalogue, with a county department for each department it names."""
    import json
    from pathlib import Path

    from lianyun.policies.actions import import_catalogue

    catalogue = Path(__file__).resolve().parent / "policies" / "data" / "catalogue.json"
    data: dict[str, Any] = json.loads(catalogue.read_text(encoding="utf-8"))
    for name in sorted({*DEPARTMENTS, *(item["department"] for item in data["items"])}):
        Unit.objects.get_or_create(
            name=name, region=cast.county, defaults={"kind": UnitKind.DEPARTMENT}
        )
    import_catalogue(data)
    return data


def payout_rows(n: int, *, start: int = 0, names: list[str] | None = None) -> list[list[str]]:
    """Rows of a payout file for 三官寨村, October 2026, with valid synthetic ID numbers."""
    rng = random.Random(1)
    ids = [
        synthetic_id_number(
            rng,
            region_code="511923",
            is_male=bool(i % 2),
            birth_date=datetime.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
        )
        for i in range(n + start)
    ]
    names = names or ["彭运芳"]
    return [
        [
            f"SN{i:08d}",
            ids[i],
            names[i % len(names)],
            "低保金" if i % 2 else "高龄津贴",
            "202610",
            f"{300 + i % 7}.50",
            "2026-10-15",
            "佛楼镇",
            "三官寨村",
            "511923103201",
            f"62179000000000{i:04d}",
        ]
        for i in range(start, start + n)
    ]


def payout_csv(
    rows: list[list[str]], encoding: str = "utf-8", header: list[str] = PAYOUT_HEADER
) -> bytes:
    text = "\r\n".join(",".join(row) for row in [header, *rows]) + "\r\n"
    return text.encode(encoding)


def payout_person(cast: Cast) -> tuple[str, Resident]:
    """袁建国 with a social-security card and three payouts (two in October, one in September)."""
    from lianyun.ledger.actions import import_payouts

    number, resident = next((n, r) for n, r in cast.residents.items() if r.name == "袁建国")
    resident.set_card_number(CARD)
    resident.save()
    rows = payout_rows(4)
    for row in rows[:3]:
        row[1], row[2] = number, "袁建国"
    rows[1][4] = "202609"
    import_payouts(data=payout_csv(rows), source="cli")
    return number, resident


def named_accusation(cast: Cast, **changes: object) -> dict[str, object]:
    """The arguments of submit_petition for a named accusation against the village cadre."""
    from lianyun.petitions.models import PetitionKind

    return {
        "kind": PetitionKind.ACCUSATION,
        "region": cast.village_a1,
        "anonymous": False,
        "subject_person": cast.cadre_resident,
        "description": "村支书截留了低保金，请调查。",
        **REPORTER,
        **changes,
    }


# Tables whose rows the database itself refuses to change or delete.
GUARDED_TABLES = (
    "core_auditentry",
    "disclosure_disclosure",
    "publications_entry",
    "publications_node",
    "publications_cosignature",  # before the checkpoints they sign
    "publications_checkpointsignature",
    "publications_checkpoint",
)


def empty_guarded_tables() -> None:
    """Before a transactional test's flush: empty the append-only tables with their guards
    lifted for the moment, so the flush (a DELETE on SQLite) meets no refusal."""
    from lianyun.core.append_only import drop_guard, restore_guard

    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            drop_guard(cursor, connection.vendor, table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
            restore_guard(cursor, connection.vendor, table)


def unsalted(page: str | bytes) -> str:
    """A page without what changes on every response (the form token, the script nonce, a
    form's one-time submission key) or echoes the request (the language switcher's way back),
    to compare two answers for what they say."""
    html = page.decode(errors="replace") if isinstance(page, bytes) else page
    html = re.sub(r'name="(csrfmiddlewaretoken|_once|next)" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def request_from(address: str, *, forwarded: str = "") -> Any:
    """A bare GET request as it reaches the application from a peer at `address`, with an
    X-Forwarded-For header if given."""
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=address)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def pow_field(purpose: str, *, address: str = "127.0.0.1") -> dict[str, str]:
    """The form field a browser's ALTCHA widget fills: a real challenge of this server, solved
    here (tests run it at its lowest cost: conftest.py)."""
    import altcha

    from lianyun.core import pow

    issued = altcha.Challenge.from_dict(pow.challenge(request_from(address), purpose))
    solution = altcha.solve_challenge(issued)
    if solution is None:
        raise AssertionError("the challenge was not solved in time")
    return {pow.FIELD: altcha.Payload(issued, solution).to_base64()}


def pow_header(purpose: str, *, address: str = "127.0.0.1") -> dict[str, str]:
    """pow_field for an API client: the X-Altcha header, as the test client takes it."""
    from lianyun.core import pow

    return {pow.HEADER: pow_field(purpose, address=address)[pow.FIELD]}


def run_sql(statement_text: str, params: list[Any] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement_text, params or [])
        return list(cursor.fetchall()) if cursor.description else []


def refused_in_sql(run: Callable[[], object]) -> None:
    """run() is refused by the database (a constraint or a trigger), and leaves nothing."""
    import pytest

    def attempt() -> None:
        with transaction.atomic():
            run()
            if connection.vendor == "sqlite":  # its foreign keys are checked at commit
                connection.check_constraints()

    with pytest.raises((IntegrityError, DatabaseError)):
        attempt()


class Killed(Exception):
    """Stands for kill -9 in the middle of an import."""


def dies_after_writing(chunks: int) -> Callable[[str, int], None]:
    """An import's progress callback that stops it (raises Killed) once `chunks` chunks of
    payouts are written and committed."""
    written: list[int] = []

    def progress(phase: str, done: int) -> None:
        if phase == "writing":
            written.append(done)
        if len(written) == chunks:
            raise Killed

    return progress
