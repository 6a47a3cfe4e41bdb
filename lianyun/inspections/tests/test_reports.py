"""Monthly reports: visits to a group's report to the town's summary, with exact figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lianyun.accounts.models import Notification
from lianyun.inspections import actions
from lianyun.inspections.models import InspectionGroup, MonthlyReport, TownSummary
from lianyun.inspections.tests.conftest import at, inspector, visit
from lianyun.testing import Cast

D = datetime.date


def test_visits_make_the_report_and_the_report_the_summary(
    county: Cast, group: InspectionGroup
) -> None:
    """October: two visits to 三官寨村 (90 + 60 minutes), none to 石林村; findings: one 民生
    accepted (with its item), one 作风 pending. A second group of town A signs nothing."""
    leader = group.members.get(is_leader=True).user
    first = visit(group, county, visited_on=D(2026, 10, 8))
    visit(group, county, visited_on=D(2026, 10, 20), kind="meeting_attendance", minutes=60)
    visit(group, county, visited_on=D(2026, 11, 3))  # November: not in October's report
    living = actions.raise_finding(
        visit=first,
        village=county.village_a1,
        finding_class="living",
        summary="路灯坏",
        actor=leader,
    )
    actions.raise_finding(
        visit=first,
        village=county.village_a1,
        finding_class="conduct",
        summary="无人值守",
        actor=leader,
    )
    actions.review_finding(
        finding=living,
        accept=True,
        actor=county.town_secretary.user,
        responsible="袁建国",
        deadline=D(2099, 1, 1),
    )
    report = actions.compile_report(
        group=group, month="2026-10", actor=leader, now=at(D(2026, 11, 2))
    )
    assert report.due_on == D(2026, 11, 5)
    figures = report.figures
    assert (figures["visits"], figures["minutes"]) == (2, 150)
    assert figures["by_kind"] == {
        "document_review": 0,
        "account_check": 1,
        "meeting_attendance": 1,
        "household_visit": 0,
    }
    assert figures["villages_visited"] == [county.village_a1.code]
    assert figures["gap_names"] == ["石林村"]
    assert (figures["findings"], figures["findings_accepted"], figures["findings_pending"]) == (
        2,
        1,
        1,
    )
    assert figures["by_class"] == {"living": 1, "conduct": 1, "corruption": 0}
    assert (figures["rectifications"], figures["rectifications_closed"]) == (1, 0)

    member = group.members.get(is_leader=False).user
    with pytest.raises(ValidationError, match="组长"):
        actions.sign_report(report=report, actor=member)
    actions.sign_report(
        report=report, actor=leader, comment="本月重点核对报账。", now=at(D(2026, 11, 6))
    )
    with pytest.raises(ValidationError, match="已签"):
        actions.sign_report(report=report, actor=leader)
    with pytest.raises(ValidationError):
        actions.compile_report(group=group, month="2026-10", actor=leader)

    idle = actions.form_group(
        town=county.town_a,
        name="佛楼镇第二巡检组",
        formed_on=D(2026, 1, 5),
        leader=inspector(county, "idle"),
        members=[],
        villages=[county.village_a2],
        actor=county.town_secretary.user,
    )
    assert idle.pk
    summary = actions.send_summary(
        town=county.town_a,
        month="2026-10",
        comment="两个组，一个未报。",
        actor=county.town_secretary.user,
        now=at(D(2026, 11, 9)),
    )
    assert summary.due_on == D(2026, 11, 10)
    assert summary.figures["missing"] == ["佛楼镇第二巡检组"]
    assert summary.figures["late"] == ["佛楼镇第一巡检组"]  # signed on the 6th, due the 5th
    assert (summary.figures["visits"], summary.figures["findings"], summary.figures["gaps"]) == (
        2,
        2,
        1,
    )
    assert Notification.objects.filter(user=county.county_inspector.user).exists()
    with pytest.raises(ValidationError):
        actions.send_summary(
            town=county.town_a, month="2026-10", comment="再发", actor=county.town_secretary.user
        )
    assert TownSummary.objects.count() == 1 and MonthlyReport.objects.count() == 1


def test_a_month_not_over_is_not_reported(county: Cast, group: InspectionGroup) -> None:
    leader = group.members.get(is_leader=True).user
    with pytest.raises(ValidationError):
        actions.compile_report(group=group, month="2026-11", actor=leader, now=at(D(2026, 11, 20)))
    with pytest.raises(ValidationError):
        actions.compile_report(group=group, month="2025-12", actor=leader, now=at(D(2026, 11, 20)))
    assert not MonthlyReport.objects.exists()
