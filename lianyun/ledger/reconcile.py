"""What an import passed over and rewrote, said in the summary; a file's totals rows checked
against its payouts.

A totals row (合计, 总计, 小计, 共计) is never imported. Its amount must equal what the rows
above it add up to: all of them since the top of the sheet, or those since the totals row
before it (a 小计 per village, then a 合计). The rows added up are every payout row whose amount
can be read, good or bad, so that a totals row checks the file's own arithmetic. A totals row
that does not add up refuses the file: a row was hidden, deleted or changed after the sum was
made, and the clerk is the one who can tell which.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from lianyun.core.cli import Phrase, both
from lianyun.ledger.columnar import Checked, Note
from lianyun.ledger.importer import HEADERS, ImportRefused
from lianyun.ledger.values import shown

ABOVE = {
    "title": gettext_lazy("a title: %(text)s"),
    "unit": gettext_lazy("a unit line: %(text)s"),
    "other": gettext_lazy("a row above the header"),
}
SHEETS = {
    "hidden": gettext_lazy("Sheet %(sheet)s is hidden; it was not read."),
    "no-table": gettext_lazy("Sheet %(sheet)s holds no payout table; it was not read."),
    "sheet-period": gettext_lazy(
        "Sheet %(sheet)s has no period column; its month, %(text)s, is taken from its name."
    ),
}


def _row(sheet: str, row: int) -> str:
    return f"{sheet}!{row}" if sheet else str(row)


def passed_over(notes: list[Note]) -> list[str]:
    """The reading's notes as the summary says them, Chinese first, English second; blank rows
    above a header are counted, not listed."""
    said: list[str] = []
    blank = 0
    for note in notes:
        if note.kind == "blank":
            blank += 1
        elif note.kind in SHEETS:
            said.append(both(SHEETS[note.kind], {"sheet": note.sheet, "text": note.text}))
        else:
            what = Phrase(ABOVE[note.kind], {"text": note.text})
            said.append(
                both(
                    gettext_lazy("Row %(row)s, above the header, was passed over: %(what)s"),
                    {"row": _row(note.sheet, note.row), "what": what},
                )
            )
    if blank:
        said.append(
            both(
                gettext_lazy("Blank rows above the header passed over: %(count)d."),
                {"count": blank},
            )
        )
    return said


@dataclass
class Totals:
    """Follows a file's blocks in order and checks each totals row against the rows above it."""

    said: list[str] = field(default_factory=list)
    problems: list[ImportRefused] = field(default_factory=list)
    sheet: str | None = None
    all: Decimal = Decimal(0)  # every payout row's amount since the top of the sheet
    since: Decimal = Decimal(0)  # since the last totals row

    def add(self, checked: Checked) -> None:
        if checked.sheet != self.sheet:
            self.sheet, self.all, self.since = checked.sheet, Decimal(0), Decimal(0)
        block = checked.amount + checked.bad_amount
        totals = iter(checked.before)
        last = Decimal(0)  # the rows above the last totals row, in this block
        for passed in checked.passed:
            row = _row(checked.sheet, passed.row)
            if passed.kind != "total":
                self.said.append(
                    both(
                        gettext_lazy("Row %(row)s, a signature or note line, was passed over."),
                        {"row": row},
                    )
                )
                continue
            before = next(totals)
            everything = self.all + before
            since = self.since + before - last
            self.since, last = Decimal(0), before
            params: dict[str, Any] = {"row": row, "label": passed.label}
            if passed.stated is None and not passed.written:
                self.said.append(
                    both(
                        gettext_lazy(
                            "Row %(row)s, a totals row (%(label)s), was not imported; it has "
                            "no amount to check."
                        ),
                        params,
                    )
                )
            elif passed.stated is None:
                params |= {"column": HEADERS["amount"][0], "value": passed.written}
                self.problems.append(
                    ImportRefused(
                        gettext_lazy(
                            "Row %(row)s, a totals row (%(label)s): its %(column)s, "
                            "%(value)s, is not an amount. Correct it and hand the file over "
                            "again."
                        ),
                        params,
                    )
                )
            elif passed.stated in (everything, since):
                params["amount"] = passed.stated
                self.said.append(
                    both(
                        gettext_lazy(
                            "Row %(row)s, a totals row (%(label)s, %(amount)s yuan), agrees "
                            "with the rows above it and was not imported."
                        ),
                        params,
                    )
                )
            else:
                added = since if since else everything
                params |= {
                    "amount": passed.stated,
                    "added": added,
                    "difference": abs(passed.stated - added),
                }
                self.problems.append(
                    ImportRefused(
                        gettext_lazy(
                            "Row %(row)s, a totals row (%(label)s), says %(amount)s yuan, but "
                            "the rows above it add up to %(added)s yuan (%(difference)s "
                            "apart). A row may have been hidden, deleted or changed after the "
                            "sum was made: check the file and hand it over again."
                        ),
                        params,
                    )
                )
        self.since += block - last
        self.all += block


def rewritten(forms: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each column's values that were written in another form than the one stored, and how
    many good rows had them."""
    return [
        {"column": HEADERS[name][0], "form": both(FormText(form)), "rows": rows}
        for (name, form), rows in sorted(forms.items())
    ]


class FormText:
    """A form's name, rendered in the language active when it is shown."""

    def __init__(self, form: str) -> None:
        self.form = form

    def __str__(self) -> str:
        return shown(self.form)
