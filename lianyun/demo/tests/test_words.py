"""Words that mean what they say, on the demo county: a flag's evidence is named in the reader's
language, and no export hands a reader a program's key (`paid`, `closed_out`, `died_on`)."""

import csv
import io
import re

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lianyun.demo.tests.conftest import CLOCK, signed_in
from lianyun.inspections.models import MonthlyReport, TownSummary
from lianyun.redflags.evidence import unnamed
from lianyun.redflags.models import Flag
from lianyun.redflags.rules import RULES
from lianyun.surveys.models import Survey

pytestmark = pytest.mark.django_db

KEY = re.compile(r"[a-z]+(_[a-z]+)+|paid|failed|registered|reopened|open|closed|pending")


def test_every_flags_evidence_is_named_in_the_readers_language(demo: None) -> None:
    flags = list(Flag.objects.all())
    assert {f.rule for f in flags} == set(RULES)  # every rule's evidence is seen
    assert [
        (f.rule, unnamed(f.rule, f.evidence)) for f in flags if unnamed(f.rule, f.evidence)
    ] == []
    county = signed_in("county")
    with time_machine.travel(CLOCK, tick=False):
        for rule in sorted(RULES):
            flag = next(f for f in flags if f.rule == rule)
            page = county.get(reverse("redflags:flag-detail", args=[flag.pk])).content.decode()
            shown = page.split('data-test="evidence">', 1)[1].split("</dl>", 1)[0]
            terms = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", shown)
            assert len(terms) == len(flag.evidence), rule
            for term, value in terms:
                assert not KEY.fullmatch(term) and not KEY.fullmatch(value), (rule, term, value)
            assert "比对依据" in page and "发放记录" in page
        deceased = next(f for f in flags if f.rule == "deceased_paid")
        page = county.get(reverse("redflags:flag-detail", args=[deceased.pk])).content.decode()
        assert "<dt>比对名册</dt><dd>死亡登记名册</dd>" in page and "died_on" not in page
        relative = next(f for f in flags if f.rule == "cadre_relative_paid")
        page = county.get(reverse("redflags:flag-detail", args=[relative.pk])).content.decode()
        assert relative.evidence["cadre_index"] not in page  # a cadre by name, not an index


def _cells(response: object) -> list[str]:
    content = response.content  # type: ignore[attr-defined]
    if response["Content-Type"].startswith("text/csv"):  # type: ignore[index]
        return [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return [str(c) for row in sheet.to_python() for c in row]


def test_no_export_shows_a_programs_key(demo: None) -> None:
    county = signed_in("county")
    survey = Survey.objects.filter(closed_at__isnull=False).order_by("-closes_on").first()
    assert survey is not None
    exports = [
        reverse("ledger:board-export", args=["511923103201"]) + "?range=this_year",
        reverse("dashboard:overview") + "?xlsx=1",
        reverse("dashboard:drill", args=["511923000000", "items_open"]) + "?xlsx=1",
        reverse("inspections:report-export", args=[MonthlyReport.objects.first().pk]),  # type: ignore[union-attr]
        reverse("inspections:summary-export", args=[TownSummary.objects.first().pk]),  # type: ignore[union-attr]
        reverse("surveys:survey-results-export", args=[survey.pk]),
        reverse("surveys:index-export") + f"?year={survey.year}",
        reverse("statistics:statistics") + "?csv=1",
    ]
    with time_machine.travel(CLOCK, tick=False):
        for url in exports:
            response = county.get(url)
            assert response.status_code == 200, url
            cells = _cells(response)
            assert len(cells) > 10, url
            keys = sorted({c for c in cells if KEY.fullmatch(c)})
            assert keys == [], (url, keys)
        board = _cells(county.get(exports[0]))
        assert "已发放" in board and "paid" not in board
