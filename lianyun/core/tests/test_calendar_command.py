import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import compute_deadline
from lianyun.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_2025_to_2027_are_loaded_by_migration() -> None:
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= {2025, 2026, 2027}
    assert CalendarYear.objects.get(year=2027).provisional


def test_a_new_year_loads_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "2028.json"
    path.write_text(
        json.dumps(
            {
                "year": 2028,
                "source": "test notice",
                "holidays": [
                    {
                        "name_zh": "国庆节",
                        "name_en": "National Day",
                        "dates": [f"2028-10-0{d}" for d in range(1, 8)],
                    }
                ],
                "workdays": [{"name_zh": "国庆节调休", "name_en": "swap", "dates": ["2028-10-08"]}],
            }
        ),
        encoding="utf-8",
    )
    call_command("load_calendar", str(path))
    # From Monday 25 Sep: 26-29 Sep, then 1-7 Oct off, and Sunday 8 Oct is worked: the 5th.
    deadline = compute_deadline(RULES["accusation_forward"], datetime.date(2028, 9, 25))
    assert deadline.due == datetime.date(2028, 10, 8)
    assert not deadline.approximate


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("not json", "cannot read"),
        (json.dumps({"year": "2028", "holidays": [], "workdays": []}), "'year'"),
        (
            json.dumps({"year": 2028, "holidays": [{"dates": ["2028-13-01"]}], "workdays": []}),
            "2028-13-01",
        ),
        (
            json.dumps({"year": 2028, "holidays": [{"dates": ["2029-01-01"]}], "workdays": []}),
            "not in 2028",
        ),
    ],
)
def test_a_bad_file_is_refused_in_both_languages_and_changes_nothing(
    tmp_path: Path, content: str, fragment: str
) -> None:
    before = CalendarDay.objects.count()
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_calendar", str(path))
    message = str(caught.value)
    assert "日历文件未导入" in message
    assert "nothing changed" in message
    assert fragment in message
    assert CalendarDay.objects.count() == before
    assert not CalendarYear.objects.filter(year=2028).exists()
