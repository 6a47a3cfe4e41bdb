"""The monthly county report: the overview's figures for one month, per section, and the towns
side by side, as an A4 page to print (or save as PDF from the browser) and as a DOCX that opens
in WPS and Office. Built from the same counters as the overview, never a second computation."""

import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lianyun.core.access import Actor
from lianyun.dashboard import queries
from lianyun.regions.models import Region

# The columns of the towns' table: a few counters that read well side by side.
TOWN_COLUMNS = ["petitions", "petitions_overdue", "items_open", "items_overdue", "demands_solved"]


@dataclass
class Report:
    region: Region
    month: str
    start: datetime.date
    end: datetime.date
    sections: list[queries.Section]
    columns: list[str]
    towns: list[tuple[Region, list[object]]]


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    start = datetime.date.fromisoformat(month + "-01")
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, following - datetime.timedelta(days=1)


def build(user: Actor, region: Region, month: str, today: datetime.date) -> Report:
    start, end = month_bounds(month)
    end = min(end, today)
    sections = queries.headline(user, region, start, end, today)
    labels = [str(queries.COUNTERS[k][1]) for k in TOWN_COLUMNS]
    towns = []
    if region.kind == "county":
        for town in queries.towns_of(region):
            scope = queries.Scope(user, town, start, end, today)
            towns.append((town, [queries.records(scope, key)[2] for key in TOWN_COLUMNS]))
    return Report(region, month, start, end, sections, labels, towns)


def docx(report: Report) -> bytes:
    """The report as a Word document (python-docx): a title, one table per section, the towns."""
    from docx import Document

    document = Document()
    document.add_heading(
        _("%(region)s monthly report, %(month)s")
        % {"region": report.region.name, "month": report.month},
        level=1,
    )
    document.add_paragraph(f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d}")
    for section in report.sections:
        document.add_heading(str(section.title), level=2)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for tile in section.tiles:
            cells = table.add_row().cells
            cells[0].text = str(tile.label)
            cells[1].text = f"{tile.value}{tile.unit or ''}"
    if report.towns:
        document.add_heading(_("Towns"), level=2)
        table = document.add_table(rows=1, cols=len(report.columns) + 1)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = _("Town")
        for i, label in enumerate(report.columns, start=1):
            table.rows[0].cells[i].text = label
        for town, values in report.towns:
            cells = table.add_row().cells
            cells[0].text = town.name
            for i, value in enumerate(values, start=1):
                cells[i].text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
