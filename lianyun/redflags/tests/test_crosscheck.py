"""A ledger with a planted case of every rule, imported through the payout importer with the
registries through the registry importer: every planted case is flagged, no clean payout is;
a second run adds nothing; a dismissal sticks; confirming opens a lead."""

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from lianyun.cases.models import Lead
from lianyun.core.idnumbers import synthetic_id_number
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.models import Payout
from lianyun.policies.models import SubsidyItem
from lianyun.redflags import actions
from lianyun.redflags.models import Death, Flag, FlagStatus, RegistryKind
from lianyun.testing import Cast

D = datetime.date
V1, V2 = "511923103201", "511923103202"
BORN = D(1960, 5, 1)
HEADER = (
    "业务流水号,身份证号,姓名,补贴项目,发放期号,金额,应发金额,发放时间,审批日期,村代码,银行账号"
)


class Ledger:
    """Rows of a payout file, and which serials each rule must flag."""

    def __init__(self) -> None:
        self.rng = random.Random(9)
        self.rows: list[list[str]] = []
        self.expected: dict[str, set[frozenset[str]]] = {}
        self.n = 0
        self.people: set[str] = set()

    def person(self, born: datetime.date = BORN) -> str:
        """A new person (never one already in the ledger)."""
        while True:
            number = synthetic_id_number(
                self.rng, region_code="511923", birth_date=born, is_male=self.rng.random() < 0.5
            )
            if number not in self.people:
                self.people.add(number)
                return number

    def pay(self, number: str, **fields: str) -> str:
        self.n += 1
        serial = f"F{self.n:06d}"
        row = {
            "item": "低保金",
            "period": "202603",
            "amount": "400.00",
            "approved": "400.00",
            "paid": "2026-03-15",
            "approved_on": "2026-03-01",
            "village": V1,
            "account": f"6217{self.n:012d}",
        } | fields
        self.rows.append(
            [
                serial,
                number,
                "测试",
                row["item"],
                row["period"],
                row["amount"],
                row["approved"],
                row["paid"],
                row["approved_on"],
                row["village"],
                row["account"],
            ]
        )
        return serial

    def expect(self, rule: str, *serials: str) -> None:
        self.expected.setdefault(rule, set()).add(frozenset(serials))

    def csv(self, rows: list[list[str]]) -> bytes:
        return ("\r\n".join([HEADER, *(",".join(r) for r in rows)]) + "\r\n").encode("gbk")


def _registry(kind: str, header: str, rows: list[str]) -> None:
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("gbk")
    summary = actions.import_registry(kind=kind, data=data)
    assert not summary.errors, summary.errors


def _planted(county: Cast) -> Ledger:
    SubsidyItem.objects.filter(code="old_age_allowance").update(amount=Decimal("100"))
    led = Ledger()
    # Clean: 30 people paid 低保 for three months on time and in full, 6 elders 高龄津贴.
    for _ in range(30):
        number = led.person()
        for month in ("01", "02", "03"):
            led.pay(
                number,
                period=f"2026{month}",
                paid=f"2026-{month}-15",
                approved_on=f"2026-{month}-01",
            )
    for _ in range(6):
        led.pay(led.person(D(1940, 2, 2)), item="高龄津贴", amount="100.00", approved="100.00")
    # deceased_paid: A died 15 January, paid February and March; B died 31 March (near miss).
    dead, last_day = led.person(), led.person()
    led.pay(dead, period="202601", paid="2026-01-15", approved_on="2026-01-01")
    led.expect(
        "deceased_paid", led.pay(dead, period="202602", paid="2026-02-15", approved_on="2026-02-01")
    )
    led.expect("deceased_paid", led.pay(dead))
    led.pay(last_day)
    # public_employee_paid: E on the payroll; F left in February (near miss).
    employee, former = led.person(), led.person()
    led.expect("public_employee_paid", led.pay(employee))
    led.pay(former)
    # cadre_relative_paid: the cadre K and spouse S in K's village; T filed separately.
    cadre, spouse, filed = led.person(), led.person(), led.person()
    led.expect("cadre_relative_paid", led.pay(cadre))
    led.expect("cadre_relative_paid", led.pay(spouse))
    led.pay(filed)
    led.pay(spouse, village=V2, period="202602", paid="2026-02-15", approved_on="2026-02-01")
    # duplicate_payout: P paid March twice, in two villages.
    twice = led.person()
    first = led.pay(twice)
    led.expect("duplicate_payout", first, led.pay(twice, village=V2))
    # shared_account: four unrelated people on one account; a household of four on another.
    shared = [led.pay(led.person(), account="6217999900000001") for _ in range(4)]
    led.expect("shared_account", *shared)
    family = [led.person() for _ in range(4)]
    for number in family:
        led.pay(number, account="6217999900000002")
    # over_standard, short_paid, late_paid, age_ineligible.
    led.expect(
        "over_standard",
        led.pay(led.person(D(1935, 1, 1)), item="高龄津贴", amount="300.00", approved="300.00"),
    )
    led.expect("short_paid", led.pay(led.person(), amount="350.00", approved="400.00"))
    led.expect("late_paid", led.pay(led.person(), paid="2026-05-01"))
    led.expect(
        "age_ineligible",
        led.pay(led.person(D(1990, 1, 1)), item="高龄津贴", amount="100.00", approved="100.00"),
    )
    # Two batches: the second holds the duplicate's second payment.
    second = [r for r in led.rows if r[9] == V2 and r[1] == twice]
    import_payouts(data=led.csv([r for r in led.rows if r not in second]), source="cli")
    import_payouts(data=led.csv(second), source="cli")
    _registry(
        RegistryKind.DEATHS,
        "身份证号,姓名,死亡日期",
        [f"{dead},测试,2026-01-15", f"{last_day},测试,2026-03-31"],
    )
    _registry(
        RegistryKind.PUBLIC_EMPLOYEES,
        "身份证号,姓名,单位,起始日期,终止日期",
        [f"{employee},测试,县财政局,2015-09-01,", f"{former},测试,镇中心校,2010-09-01,2026-02-28"],
    )
    _registry(
        RegistryKind.CADRES,
        "身份证号,姓名,村代码,职务,起始日期,终止日期",
        [f"{cadre},测试,{V1},村支书,2021-03-01,"],
    )
    _registry(
        RegistryKind.RELATIVES,
        "干部身份证号,亲属身份证号,关系",
        [f"{cadre},{spouse},配偶", f"{cadre},{filed},子女"],
    )
    _registry(
        RegistryKind.SEPARATE_FILINGS, "身份证号,补贴项目,备案日期", [f"{filed},低保金,2025-06-01"]
    )
    _registry(
        RegistryKind.HOUSEHOLDS,
        "户主身份证号,成员身份证号,关系",
        [f"{family[0]},{member},子女" for member in family[1:]],
    )
    return led


def _flagged(rule: str) -> set[frozenset[str]]:
    return {
        frozenset(flag.payouts.values_list("serial", flat=True))
        for flag in Flag.objects.filter(rule=rule)
    }


def test_every_planted_case_is_flagged_and_nothing_clean(county: Cast, tmp_path: Path) -> None:
    led = _planted(county)
    summary = actions.crosscheck()
    assert summary.run.payouts_scanned == Payout.objects.count() == len(led.rows)
    for rule, expected in led.expected.items():
        assert _flagged(rule) == expected, rule
    assert set(Flag.objects.values_list("rule", flat=True)) == set(led.expected)
    planted = {s for cases in led.expected.values() for case in cases for s in case}
    flagged = set(Flag.payouts.through.objects.values_list("payout__serial", flat=True))
    assert flagged == planted  # recall 100%, no clean payout flagged
    short = Flag.objects.get(rule="short_paid")
    assert short.stake == Decimal("50.00") and short.evidence == {"approved": 40000, "paid": 35000}
    assert len(short.id_masked) == 18 and short.id_masked.count("*") == 16
    # A second run finds the same and adds nothing.
    again = actions.crosscheck()
    assert again.flags_new == 0 and Flag.objects.count() == summary.flags_new
    # The export: one JSON object per flag with the fields the analysts need.
    out = tmp_path / "flags.jsonl"
    actions.export(list(Flag.objects.all()), out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == Flag.objects.count()
    assert {"rule", "id_number", "item", "period", "village_code", "amount_at_stake"} <= set(
        lines[0]
    )
    assert len(lines[0]["id_number"]) == 18


def test_review_dismissal_sticks_and_confirmation_opens_a_lead(county: Cast) -> None:
    _planted(county)
    actions.crosscheck(rule_names=["deceased_paid", "late_paid"])
    reviewer = county.county_inspector.user
    late = Flag.objects.get(rule="late_paid")
    with pytest.raises(ValidationError):
        actions.dismiss(flag=late, actor=reviewer, reason=" ")
    actions.dismiss(flag=late, actor=reviewer, reason="银行系统故障，已说明")
    with pytest.raises(ValidationError):
        actions.confirm(flag=late, actor=reviewer)
    assert actions.crosscheck(rule_names=["late_paid"]).flags_new == 0
    dead = Flag.objects.filter(rule="deceased_paid").order_by("period").first()
    assert dead is not None
    with pytest.raises(ValidationError):
        actions.ask_village(
            flag=dead, actor=reviewer, question="说明", due=datetime.date(2020, 1, 1)
        )
    asked = actions.ask_village(
        flag=dead,
        actor=reviewer,
        question="请说明二月、三月为何仍发放",
        due=datetime.date(2099, 1, 1),
    )
    assert asked.status == FlagStatus.ASKED
    actions.explain(flag=asked, user=county.village_cadre.user, explanation="家属未及时报告死亡")
    confirmed = actions.confirm(flag=asked, actor=reviewer)
    lead = Lead.objects.get()
    assert confirmed.lead == lead and lead.source_ref == f"redflags.Flag:{confirmed.pk}"
    assert lead.amount_involved == Decimal("400.00") and "死亡" in lead.summary
    assert Death.objects.count() == 2


def test_an_incremental_run_judges_the_new_batch_with_its_people_history(county: Cast) -> None:
    led = Ledger()
    person = led.person()
    led.pay(person)
    led.pay(led.person())  # someone the new batch does not touch
    import_payouts(data=led.csv(led.rows), source="cli")
    assert actions.crosscheck().flags_new == 0
    later = Ledger()
    later.n, later.people = 500, set(led.people)
    later.pay(person)  # the same month again, in a new batch
    later.pay(later.person())
    import_payouts(data=later.csv(later.rows), source="cli")
    summary = actions.crosscheck(incremental=True)
    # The new batch's two people, one with their earlier payout; not the untouched person.
    assert summary.run.payouts_scanned == 3
    assert summary.flags_new == 1 and Flag.objects.get().rule == "duplicate_payout"


def test_a_registry_with_a_bad_row_writes_nothing(county: Cast) -> None:
    data = "身份证号,姓名,死亡日期\r\n511923194302102647,甲,2026-01-01\r\n123,乙,昨天\r\n".encode(
        "gbk"
    )
    summary = actions.import_registry(kind=RegistryKind.DEATHS, data=data)
    assert [e.row for e in summary.errors] == [3, 3]
    assert not Death.objects.exists()
    with pytest.raises(Exception, match="死亡日期"):
        actions.import_registry(kind=RegistryKind.DEATHS, data="身份证号,姓名\r\n".encode())


def test_the_commands_import_a_registry_and_export_the_flags(county: Cast, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    led = Ledger()
    person = led.person()
    led.pay(person)
    led.pay(person, village=V2)
    import_payouts(data=led.csv(led.rows), source="cli")
    registry = tmp_path / "deaths.csv"
    registry.write_bytes(f"身份证号,姓名,死亡日期\r\n{person},测试,2026-01-31\r\n".encode("gbk"))
    call_command("import_registry", "deaths", str(registry))
    call_command("import_registry", "deaths", str(registry))  # the same file: nothing again
    assert Death.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes("身份证号,姓名,死亡日期\r\n123,测试,昨天\r\n".encode("gbk"))
    with pytest.raises(CommandError, match="未写入"):
        call_command("import_registry", "deaths", str(bad))
    out = tmp_path / "flags.jsonl"
    call_command("crosscheck", "--export", str(out))
    rules = sorted(
        json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()
    )
    assert rules == ["deceased_paid", "deceased_paid", "duplicate_payout"]
    with pytest.raises(CommandError, match=r"Unknown rule|未知"):
        call_command("crosscheck", "--rules", "nonsense")


def test_the_queue_task_runs_only_when_new_batches_came_in(county: Cast) -> None:
    assert actions.crosscheck_new_batches() is None  # an empty ledger: nothing to do
    led = Ledger()
    person = led.person()
    led.pay(person)
    import_payouts(data=led.csv(led.rows), source="cli")
    first = actions.crosscheck_new_batches()
    assert first is not None and first.run.after_batch == 0
    assert actions.crosscheck_new_batches() is None  # nothing new since
    later = Ledger()
    later.n, later.people = 900, set(led.people)
    later.pay(person)
    import_payouts(data=later.csv(later.rows), source="cli")
    second = actions.crosscheck_new_batches()
    assert second is not None and second.run.after_batch == first.run.last_batch
    assert second.flags_new == 1
