"""China's working-day calendar: Monday to Friday, less public holidays, plus swapped days.

The exceptions live in CalendarDay rows loaded from the State Council's yearly notice
(`lianyun load_calendar FILE`). A year that is not loaded falls back to the weekday rule and
is reported, so a deadline computed across it says that it is approximate.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lianyun.core import audit
from lianyun.core.models import CalendarDay, CalendarYear, DayKind

BUNDLED_CALENDARS = Path(__file__).resolve().parent / "data" / "calendar"


@dataclass
class WorkingCalendar:
    """The exceptions for a span of dates, loaded once, answering many questions."""

    exceptions: dict[datetime.date, CalendarDay] = field(default_factory=dict)
    loaded_years: set[int] = field(default_factory=set)
    provisional_years: set[int] = field(default_factory=set)
    touched_gaps: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date) -> "WorkingCalendar":
        days = CalendarDay.objects.filter(date__gte=start, date__lte=end)
        years = CalendarYear.objects.all()
        return cls(
            exceptions={day.date: day for day in days},
            loaded_years={year.year for year in years},
            provisional_years={year.year for year in years if year.provisional},
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self.loaded_years:
            self.touched_gaps.add(day.year)
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception.kind == DayKind.WORKDAY
        return day.weekday() < 5

    def why_not_working(self, day: datetime.date) -> str:
        exception = self.exceptions.get(day)
        if exception is not None and exception.kind == DayKind.HOLIDAY:
            return _holiday_name(exception)
        return _("weekend")

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The count-th working day after start (start itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after start up to and including end."""
        day, count = start, 0
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _holiday_name(day: CalendarDay) -> str:
    return day.name_en if (get_language() or "").startswith("en") else day.name_zh


def calendar_for(start: datetime.date, days_ahead: int = 400) -> WorkingCalendar:
    """Load the exceptions from a little before start to well past any statutory deadline."""
    return WorkingCalendar.load(
        start - datetime.timedelta(days=7), start + datetime.timedelta(days=days_ahead)
    )


class CalendarFileError(ValueError):
    """The calendar file is not in the expected shape; the message says where."""


def _parse_calendar_file(data: Any) -> tuple[int, str, bool, list[CalendarDay]]:
    if not isinstance(data, dict):
        raise CalendarFileError("the file must hold one JSON object")
    year = data.get("year")
    if not isinstance(year, int) or not 1949 < year < 2200:
        raise CalendarFileError("'year' must be a year such as 2027")
    days: list[CalendarDay] = []
    seen: set[datetime.date] = set()
    for key, kind in (("holidays", DayKind.HOLIDAY), ("workdays", DayKind.WORKDAY)):
        groups = data.get(key)
        if not isinstance(groups, list):
            raise CalendarFileError(f"'{key}' must be a list")
        for index, group in enumerate(groups, start=1):
            where = f"{key}[{index}]"
            if not isinstance(group, dict) or not isinstance(group.get("dates"), list):
                raise CalendarFileError(f"{where} needs 'name_zh', 'name_en' and 'dates'")
            for text in group["dates"]:
                try:
                    day = datetime.date.fromisoformat(str(text))
                except ValueError:
                    raise CalendarFileError(f"{where}: {text!r} is not a date YYYY-MM-DD") from None
                if day.year != year:
                    raise CalendarFileError(f"{where}: {day} is not in {year}")
                if day in seen:
                    raise CalendarFileError(f"{where}: {day} is listed twice")
                seen.add(day)
                days.append(
                    CalendarDay(
                        date=day,
                        kind=kind,
                        name_zh=str(group.get("name_zh", ""))[:64],
                        name_en=str(group.get("name_en", ""))[:64],
                    )
                )
    return year, str(data.get("source", ""))[:255], bool(data.get("provisional", False)), days


@transaction.atomic
def load_calendar_year(data: Any) -> CalendarYear:
    """Replace one year's exceptions with those in the parsed file; all or nothing."""
    year, source, provisional, days = _parse_calendar_file(data)
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(days)
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "provisional": provisional}
    )
    audit.record(
        action="load:calendar",
        object_type="core.CalendarYear",
        object_id=year,
        detail={"days": len(days), "provisional": provisional},
    )
    return calendar_year


def load_calendar_file(path: Path) -> CalendarYear:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CalendarFileError(f"cannot read {path.name}: {error}") from None
    return load_calendar_year(data)
