"""Account checks: a reproducible sample of a month's payouts and expenditures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lianyun.inspections import actions
from lianyun.inspections.models import InspectionGroup, SampleItem, Visit
from lianyun.inspections.tests.conftest import visit as _visit
from lianyun.ledger.actions import import_payouts
from lianyun.testing import Cast, payout_csv, payout_rows

D = datetime.date


@pytest.fixture
def month_of_records(county: Cast) -> None:
    """25 payouts to 三官寨村 in October 2026 and 14 recorded expenditures."""
    import_payouts(data=payout_csv(payout_rows(25)), source="cli")
    for day in range(1, 15):
        actions.record_expenditure(
            village=county.village_a1,
            spent_on=D(2026, 10, day),
            amount=Decimal(100 * day),
            payee=f"施工队{day}",
            purpose="村道维修",
            voucher=f"記-{day:03d}",
        )


def test_the_same_seed_draws_the_same_sample(
    county: Cast,
    group: InspectionGroup,
    month_of_records: None,
) -> None:
    picks = actions.sample_picks(county.village_a1, "2026-10", "abc123")
    assert picks == actions.sample_picks(county.village_a1, "2026-10", "abc123")
    assert picks != actions.sample_picks(county.village_a1, "2026-10", "abc124")
    assert [source for source, _ in picks].count("payout") == 10
    assert [source for source, _ in picks].count("expenditure") == 10
    visit = _visit(group, county)
    items = actions.draw_sample(
        visit=visit, month="2026-10", seed="abc123", actor=visit.recorded_by
    )
    assert [(i.source, i.record_id) for i in items] == picks
    visit.refresh_from_db()
    assert (visit.sample_month, visit.sample_seed) == ("2026-10", "abc123")
    assert "彭*芳" in " ".join(i.label for i in items)  # names masked
    with pytest.raises(ValidationError):
        actions.draw_sample(visit=visit, month="2026-10", actor=visit.recorded_by)


def test_a_sample_from_an_empty_month_is_refused(
    county: Cast,
    group: InspectionGroup,
    month_of_records: None,
) -> None:
    visit = _visit(group, county)
    with pytest.raises(ValidationError, match="2026-08"):
        actions.draw_sample(visit=visit, month="2026-08", actor=visit.recorded_by)
    visit.refresh_from_db()
    assert visit.sample_seed == "" and not SampleItem.objects.exists()
    household = _visit(group, county, kind="household_visit")
    with pytest.raises(ValidationError):
        actions.draw_sample(visit=household, month="2026-10", actor=household.recorded_by)


def test_each_sampled_record_is_marked_against_its_voucher(
    county: Cast,
    group: InspectionGroup,
    month_of_records: None,
) -> None:
    visit: Visit = _visit(group, county)
    first, second, *_ = actions.draw_sample(visit=visit, month="2026-10", actor=visit.recorded_by)
    actions.check_sample_item(item=first, verified=True, actor=visit.recorded_by)
    with pytest.raises(ValidationError):
        actions.check_sample_item(item=second, verified=False, actor=visit.recorded_by)
    actions.check_sample_item(
        item=second, verified=False, note="无领款人签字", actor=visit.recorded_by
    )
    assert SampleItem.objects.filter(verified=False).get().note == "无领款人签字"
