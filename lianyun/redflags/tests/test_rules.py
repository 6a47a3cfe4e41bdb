"""Each rule on literal frames, with the near misses it must not flag."""

import datetime
import json
from typing import Any

import polars as pl

from lianyun.redflags import rules
from lianyun.redflags.extract import PAYOUT_SCHEMA

D = datetime.date
CONFIG: dict[str, Any] = {
    "closed_to_employees": ["dibao", "destitute_support"],
    "sensitive_items": ["dibao", "destitute_support", "temporary_assistance"],
    "shared_account_persons": 3,
    "over_standard_tolerance": 10,
    "late_paid_days": 30,
    "age_bands": {"old_age_allowance": (80, None)},
}
PAYOUT = PAYOUT_SCHEMA


def payouts(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {
        "name": "某某",
        "item": "dibao",
        "period": "2026-03",
        "amount": 50_000,
        "approved": None,
        "paid_on": None,
        "approved_on": None,
        "village": "V1",
        "account": "",
        "born_on": None,
        "batch": 1,
        "status": "paid",
    }
    return pl.DataFrame([base | {"id": i + 1} | row for i, row in enumerate(rows)], schema=PAYOUT)


def frames(p: pl.DataFrame, **others: pl.DataFrame) -> rules.Frames:
    empty = {
        "deaths": pl.DataFrame(schema={"id_index": pl.String, "died_on": pl.Date}),
        "employees": pl.DataFrame(
            schema={"id_index": pl.String, "unit": pl.String, "start": pl.Date, "end": pl.Date}
        ),
        "cadres": pl.DataFrame(
            schema={
                "id_index": pl.String,
                "village": pl.String,
                "title": pl.String,
                "start": pl.Date,
                "end": pl.Date,
            }
        ),
        "relatives": pl.DataFrame(
            schema={"cadre_index": pl.String, "relative_index": pl.String, "relation": pl.String}
        ),
        "households": pl.DataFrame(schema={"head_index": pl.String, "member_index": pl.String}),
        "filings": pl.DataFrame(
            schema={"id_index": pl.String, "item": pl.String, "filed_on": pl.Date}
        ),
        "standards": pl.DataFrame(schema={"item": pl.String, "standard": pl.Int64}),
    }
    return {"payouts": p} | empty | others


def flagged(name: str, f: rules.Frames) -> list[list[int]]:
    found = rules.RULES[name](f, CONFIG)
    assert found.columns == list(rules.FINDING)
    return sorted(found["payouts"].to_list())


def test_deceased_paid_after_the_month_of_death_only() -> None:
    p = payouts(
        {"id_index": "A", "period": "2026-02"},  # died in February: February is owed
        {"id_index": "A", "period": "2026-03"},  # after: flagged
        {"id_index": "B", "period": "2026-03"},  # died on the last day of March: not flagged
        {"id_index": "C", "period": "2026-03"},  # alive
        {"id_index": "A", "period": "2026-04", "status": "failed"},  # never paid
    )
    deaths = pl.DataFrame({"id_index": ["A", "B"], "died_on": [D(2026, 2, 10), D(2026, 3, 31)]})
    assert flagged("deceased_paid", frames(p, deaths=deaths)) == [[2]]
    found = rules.deceased_paid(frames(p, deaths=deaths), CONFIG)
    assert json.loads(found["evidence"][0]) == {"died_on": "2026-02-10", "registry": "deaths"}
    assert found["stake"].to_list() == [50_000]


def test_public_employee_paid_closed_items_while_employed() -> None:
    p = payouts(
        {"id_index": "E", "period": "2026-03"},  # employed in March: flagged
        {"id_index": "E", "period": "2026-03", "item": "farmland_protection"},  # open item
        {"id_index": "F", "period": "2026-03"},  # left on 28 February
        {"id_index": "G", "period": "2026-03"},  # started on 31 March: overlaps
    )
    employees = pl.DataFrame(
        {
            "id_index": ["E", "F", "G"],
            "unit": ["县财政局", "镇中心校", "县医院"],
            "start": [D(2020, 1, 1), D(2019, 9, 1), D(2026, 3, 31)],
            "end": [None, D(2026, 2, 28), None],
        }
    )
    assert flagged("public_employee_paid", frames(p, employees=employees)) == [[1], [4]]


def test_cadre_relative_paid_in_the_cadres_village_without_a_filing() -> None:
    p = payouts(
        {"id_index": "K", "village": "V1"},  # the cadre themself
        {"id_index": "S", "village": "V1"},  # the cadre's spouse
        {"id_index": "S", "village": "V2"},  # another village: not the cadre's
        {"id_index": "T", "village": "V1"},  # a relative with a separate filing
        {"id_index": "S", "village": "V1", "item": "old_age_allowance"},  # not sensitive
        {"id_index": "R", "village": "V1", "period": "2025-12"},  # before the term
    )
    cadres = pl.DataFrame(
        {
            "id_index": ["K", "Q"],
            "village": ["V1", "V1"],
            "title": ["村支书", "村主任"],
            "start": [D(2021, 3, 1), D(2026, 1, 1)],
            "end": [None, None],
        }
    )
    relatives = pl.DataFrame(
        {
            "cadre_index": ["K", "K", "Q"],
            "relative_index": ["S", "T", "R"],
            "relation": ["配偶", "子女", "父母"],
        }
    )
    filings = pl.DataFrame({"id_index": ["T"], "item": ["dibao"], "filed_on": [D(2025, 6, 1)]})
    f = frames(p, cadres=cadres, relatives=relatives, filings=filings)
    assert flagged("cadre_relative_paid", f) == [[1], [2]]
    relations = {
        json.loads(e)["relation"] for e in rules.cadre_relative_paid(f, CONFIG)["evidence"]
    }
    assert relations == {"本人", "配偶"}


def test_duplicate_payout_anywhere_but_not_a_failed_retry() -> None:
    p = payouts(
        {"id_index": "D", "village": "V1", "batch": 1},
        {"id_index": "D", "village": "V2", "batch": 2},  # same person, item, period: flagged
        {"id_index": "D", "period": "2026-04"},  # another period
        {"id_index": "H", "status": "failed"},  # a failed payment retried: not a duplicate
        {"id_index": "H"},
    )
    found = rules.duplicate_payout(frames(p), CONFIG)
    assert found["payouts"].to_list() == [[1, 2]]
    assert found["stake"].to_list() == [50_000]
    assert json.loads(found["evidence"][0]) == {"times": 2, "villages": 2, "batches": 2}


def test_shared_account_beyond_one_household() -> None:
    # Account X pays four people of one household: not flagged. Account Y pays four people of
    # three households: flagged, with what went outside its largest household at stake.
    p = payouts(
        *[{"id_index": f"h{i}", "account": "X"} for i in range(4)],
        {"id_index": "a1", "account": "Y", "amount": 100},
        {"id_index": "a2", "account": "Y", "amount": 100},
        {"id_index": "b1", "account": "Y", "amount": 300},
        {"id_index": "c1", "account": "Y", "amount": 500},
        {"id_index": "z1", "account": "Z"},
        {"id_index": "z2", "account": "Z"},
    )
    households = pl.DataFrame(
        {"head_index": ["h0", "h0", "h0", "a1"], "member_index": ["h1", "h2", "h3", "a2"]}
    )
    found = rules.shared_account(frames(p, households=households), CONFIG)
    assert found["payouts"].to_list() == [[5, 6, 7, 8]]
    assert found["stake"].to_list() == [800]
    assert json.loads(found["evidence"][0])["households"] == 3


def test_over_standard_beyond_the_tolerance() -> None:
    p = payouts(
        {"id_index": "O", "item": "old_age_allowance", "amount": 10_000},  # at the standard
        {"id_index": "O", "item": "old_age_allowance", "amount": 11_000},  # +10%: tolerated
        {"id_index": "O", "item": "old_age_allowance", "amount": 11_001},  # beyond: flagged
        {"id_index": "O", "item": "dibao", "amount": 99_999},  # no standard configured
    )
    standards = pl.DataFrame({"item": ["old_age_allowance"], "standard": [10_000]})
    found = rules.over_standard(frames(p, standards=standards), CONFIG)
    assert found["payouts"].to_list() == [[3]] and found["stake"].to_list() == [1_001]


def test_short_paid_against_the_approved_amount() -> None:
    p = payouts(
        {"id_index": "S", "amount": 45_000, "approved": 50_000},
        {"id_index": "S", "amount": 50_000, "approved": 50_000},
        {"id_index": "S", "amount": 50_000},  # no approved amount in the file
    )
    found = rules.short_paid(frames(p), CONFIG)
    assert found["payouts"].to_list() == [[1]] and found["stake"].to_list() == [5_000]


def test_late_paid_after_approval_or_the_end_of_the_period() -> None:
    p = payouts(
        {"id_index": "L", "approved_on": D(2026, 3, 1), "paid_on": D(2026, 3, 31)},  # 30 days
        {"id_index": "L", "approved_on": D(2026, 3, 1), "paid_on": D(2026, 4, 1)},  # 31: late
        {"id_index": "L", "period": "2026-01", "paid_on": D(2026, 3, 3)},  # 31 after January
        {"id_index": "L", "period": "2026-01", "paid_on": D(2026, 3, 2)},  # 30 after January
        {"id_index": "L", "period": "2026-01"},  # no payment date
    )
    assert flagged("late_paid", frames(p)) == [[2], [3]]


def test_age_ineligible_by_the_birth_date_at_the_end_of_the_period() -> None:
    p = payouts(
        {"id_index": "Y", "item": "old_age_allowance", "born_on": D(1946, 3, 31)},  # 80 on 31 March
        {"id_index": "Y", "item": "old_age_allowance", "born_on": D(1946, 4, 1)},  # 79: flagged
        {"id_index": "Y", "item": "dibao", "born_on": D(2000, 1, 1)},  # no band
        {"id_index": "Y", "item": "old_age_allowance"},  # no birth date known
    )
    found = rules.age_ineligible(frames(p), CONFIG)
    assert found["payouts"].to_list() == [[2]]
    assert json.loads(found["evidence"][0])["age"] == 79


def test_all_rules_run_together_on_a_clean_ledger_without_a_finding() -> None:
    p = payouts(
        {"id_index": "N1", "paid_on": D(2026, 3, 20), "approved": 50_000, "account": "acc1"},
        {"id_index": "N2", "period": "2026-04", "paid_on": D(2026, 4, 20), "account": "acc2"},
    )
    assert rules.run(frames(p), CONFIG).is_empty()
