"""One place that computes due dates and explains them.

A deadline is (rule, start event, extensions) over the working-day calendar:
- "days" count calendar days from the day after the start; a period whose last day is a
  holiday or weekend ends on the next working day (the usual rule of Chinese procedure,
  e.g. 民事诉讼法 art. 85);
- "working days" count only working days after the start;
- "months" end on the same day of the month, or the month's last day if it has none.
Each step is written into the explanation that the UI shows beside the date.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.core.workdays import WorkingCalendar, calendar_for


class PeriodUnit(models.TextChoices):
    DAYS = "days", gettext_lazy("days")
    WORKING_DAYS = "working_days", gettext_lazy("working days")
    MONTHS = "months", gettext_lazy("months")


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    amount: int
    unit: PeriodUnit
    basis: str | Promise  # the article that sets it, shown to users


@dataclass(frozen=True)
class Extension:
    amount: int
    unit: PeriodUnit
    reason: str


@dataclass
class Deadline:
    rule: DeadlineRule
    start: datetime.date
    due: datetime.date
    explanation: list[str] = field(default_factory=list)
    approximate: bool = False


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _advance(
    work: WorkingCalendar, start: datetime.date, amount: int, unit: str, steps: list[str]
) -> datetime.date:
    if unit == PeriodUnit.WORKING_DAYS:
        due = work.add_working_days(start, amount)
        skipped = (due - start).days - amount
        steps.append(
            _(
                "%(amount)d working days after %(start)s is %(due)s (%(skipped)d non-working days "
                "skipped)."
            )
            % {"amount": amount, "start": start, "due": due, "skipped": skipped}
        )
        return due
    if unit == PeriodUnit.DAYS:
        end = start + datetime.timedelta(days=amount)
        steps.append(
            _("%(amount)d days after %(start)s is %(end)s.")
            % {"amount": amount, "start": start, "end": end}
        )
    else:
        end = _add_months(start, amount)
        steps.append(
            _("%(amount)d months after %(start)s is %(end)s.")
            % {"amount": amount, "start": start, "end": end}
        )
    due = work.next_working_day(end)
    if due != end:
        steps.append(
            _(
                "%(end)s is not a working day (%(why)s), so the period ends on the next working day, "
                "%(due)s."
            )
            % {"end": end, "why": work.why_not_working(end), "due": due}
        )
    return due


def compute_deadline(
    rule: DeadlineRule,
    start: datetime.date,
    extensions: tuple[Extension, ...] | list[Extension] = (),
    *,
    work: WorkingCalendar | None = None,
) -> Deadline:
    work = work or calendar_for(start)
    steps = [
        _("Rule: %(amount)d %(unit)s (%(basis)s), counted from %(start)s.")
        % {
            "amount": rule.amount,
            "unit": PeriodUnit(rule.unit).label,
            "basis": rule.basis,
            "start": start,
        }
    ]
    due = _advance(work, start, rule.amount, rule.unit, steps)
    for extension in extensions:
        steps.append(_("Extended: %(reason)s.") % {"reason": extension.reason})
        due = _advance(work, due, extension.amount, extension.unit, steps)
    gaps = sorted(work.touched_gaps)
    touched = {start.year, due.year}
    provisional = sorted(touched & work.provisional_years)
    if gaps:
        steps.append(
            _(
                "The holiday calendar for %(years)s is not loaded; weekends alone were skipped, so "
                "this date is approximate."
            )
            % {"years": ", ".join(map(str, gaps))}
        )
    if provisional:
        steps.append(
            _(
                "The calendar for %(years)s holds only the statutory holidays; swapped working days "
                "are not yet published, so this date is approximate."
            )
            % {"years": ", ".join(map(str, provisional))}
        )
    return Deadline(
        rule=rule, start=start, due=due, explanation=steps, approximate=bool(gaps or provisional)
    )
