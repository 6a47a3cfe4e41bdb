import datetime

import pytest
from django.utils.translation import override

from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import DeadlineRule, Extension, PeriodUnit, compute_deadline
from lianyun.core.workdays import calendar_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_national_day_2026_holidays_and_swapped_days_are_loaded() -> None:
    work = calendar_for(D(2026, 9, 1))
    assert not work.is_working_day(D(2026, 10, 1))
    assert not work.is_working_day(D(2026, 10, 7))
    assert work.is_working_day(D(2026, 10, 8))
    assert work.is_working_day(D(2026, 9, 20))  # a Sunday, worked in exchange
    assert work.is_working_day(D(2026, 10, 10))  # a Saturday, worked in exchange
    assert not work.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_working_days_skip_the_national_day_holiday_and_count_the_swapped_saturday() -> None:
    # 29, 30 Sep; 1-7 Oct holiday; 8, 9 Oct; Saturday 10 Oct is a working day.
    deadline = compute_deadline(RULES["accusation_forward"], D(2026, 9, 28))
    assert deadline.due == D(2026, 10, 10)
    assert not deadline.approximate


def test_fifteen_working_days_from_the_eve_of_national_day() -> None:
    deadline = compute_deadline(RULES["accusation_named_notice"], D(2026, 9, 30))
    # Oct 8, 9, 10 (Sat, swapped), 12-16, 19-23, 26, 27 → the 15th working day is 27 Oct.
    assert deadline.due == D(2026, 10, 27)


def test_a_calendar_day_period_ending_in_the_holiday_moves_to_the_next_working_day() -> None:
    deadline = compute_deadline(RULES["petition_disposal"], D(2026, 9, 20))
    # 20 Sep + 15 days = 5 Oct, inside the holiday → 8 Oct.
    assert deadline.due == D(2026, 10, 8)
    with override("zh-hans"):
        text = " ".join(compute_deadline(RULES["petition_disposal"], D(2026, 9, 20)).explanation)
    assert "国庆节" in text
    assert "2026-10-08" in text
    assert "信访工作条例" in text


def test_the_explanation_is_in_english_when_asked() -> None:
    with override("en"):
        deadline = compute_deadline(RULES["petition_disposal"], D(2026, 9, 20))
    assert "National Day" in " ".join(deadline.explanation)


def test_a_period_ending_on_a_swapped_working_sunday_stays_there() -> None:
    rule = DeadlineRule("test", 6, PeriodUnit.DAYS, "test")
    assert compute_deadline(rule, D(2026, 9, 14)).due == D(2026, 9, 20)


def test_an_extension_is_added_after_the_first_period() -> None:
    deadline = compute_deadline(
        RULES["petition_conclusion"],
        D(2026, 8, 3),
        [Extension(30, PeriodUnit.DAYS, "complex case")],
    )
    # 3 Aug + 60 = 2 Oct (holiday) → 8 Oct; + 30 = 7 Nov (Saturday) → 9 Nov.
    assert deadline.due == D(2026, 11, 9)
    assert any("complex case" in step for step in deadline.explanation)


def test_months_end_on_the_last_day_of_a_shorter_month() -> None:
    rule = DeadlineRule("test", 1, PeriodUnit.MONTHS, "test")
    assert compute_deadline(rule, D(2026, 3, 31)).due == D(2026, 4, 30)
    # 31 Jan + 1 month = 28 Feb 2026, a Saturday worked in exchange for the Spring Festival.
    assert compute_deadline(rule, D(2026, 1, 31)).due == D(2026, 2, 28)


def test_provisional_2027_is_flagged_approximate() -> None:
    deadline = compute_deadline(RULES["accusation_forward"], D(2027, 1, 29))
    assert deadline.approximate
    assert not calendar_for(D(2027, 1, 1)).is_working_day(D(2027, 2, 8))  # 初三


def test_a_year_not_loaded_is_flagged_approximate() -> None:
    deadline = compute_deadline(RULES["petition_conclusion"], D(2028, 3, 1))
    assert deadline.approximate
    with override("en"):
        deadline = compute_deadline(RULES["petition_conclusion"], D(2028, 3, 1))
    assert "2028" in deadline.explanation[-1]
