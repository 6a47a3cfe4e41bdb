"""村居巡检: groups, visits with their checklists, conflicts of interest, findings routed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lianyun.accounts.models import Notification
from lianyun.cases.models import Lead, RectificationItem, SourceKind
from lianyun.inspections import actions
from lianyun.inspections.access import conflict_reason
from lianyun.inspections.models import ChecklistItem, Finding, FindingStatus, InspectionGroup, Visit
from lianyun.inspections.tests.conftest import inspector as _inspector
from lianyun.inspections.tests.conftest import visit as _visit
from lianyun.people.models import Household, Relation, Relative, Resident
from lianyun.regions.models import UnitKind
from lianyun.testing import Cast

D = datetime.date


def test_the_default_checklists_are_the_small_power_list(db: None) -> None:
    kinds = set(ChecklistItem.objects.values_list("kind", flat=True))
    assert kinds == {"document_review", "account_check", "meeting_attendance", "household_visit"}
    assert ChecklistItem.objects.filter(text__contains="四议两公开").exists()


def test_a_member_logs_a_visit_with_its_checklist(county: Cast, group: InspectionGroup) -> None:
    points = list(ChecklistItem.objects.filter(kind="account_check"))
    visit = _visit(
        group,
        county,
        checklist={str(points[0].pk): "ok", str(points[2].pk): "problem"},
        client_key="v1",
    )
    assert visit.checklist == {str(points[0].pk): "ok", str(points[2].pk): "problem"}
    assert _visit(group, county, client_key="v1").pk == visit.pk  # sent twice, logged once
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"visited_on": D(2099, 1, 1)}, "未来"),
        ({"visited_on": D(2025, 12, 31)}, "成立"),
        ({"village": "b1"}, "不在本组"),
        ({"kind": "picnic"}, "类型"),
        ({"minutes": 0}, "分钟"),
        ({"checklist": {"999": "ok"}}, "检查"),
    ],
)
def test_bad_visits_write_nothing(
    county: Cast, group: InspectionGroup, changes: dict, fragment: str
) -> None:  # type: ignore[type-arg]
    if changes.get("village") == "b1":
        changes["village"] = county.village_b1
    with pytest.raises(ValidationError, match=fragment):
        _visit(group, county, **changes)
    assert not Visit.objects.exists()


def test_only_members_log_visits(county: Cast, group: InspectionGroup) -> None:
    with pytest.raises(ValidationError):
        _visit(group, county, actor=county.town_secretary.user)


def test_nobody_inspects_their_own_village_or_a_relatives(
    county: Cast, group: InspectionGroup
) -> None:
    # The cadre's spouse lives in 三官寨村.
    neighbour = _inspector(county, "neighbour", county.relative_resident)
    # A cousin living in 石林村, declared by the cadre, who holds a post in 三官寨村.
    household = Household.objects.create(number="0042", village=county.village_a2)
    cousin = Resident(
        name="袁小军",
        birth_date=D(1980, 2, 2),
        is_male=True,
        village=county.village_a2,
        household=household,
    )
    cousin.set_id_number("360426199101010071")
    cousin.save()
    Relative.objects.create(
        cadre=county.cadre_resident,
        relative=cousin,
        relation=Relation.SIBLING,
        declared_on=D(2021, 4, 1),
    )
    relative = _inspector(county, "relative", cousin)
    for user in (neighbour, relative):
        group.members.create(user=user)
    assert "彭秀英" in conflict_reason(county.relative_resident, county.village_a1)
    with pytest.raises(ValidationError, match="三官寨村"):
        _visit(group, county, actor=neighbour)
    with pytest.raises(ValidationError, match="袁建国"):
        _visit(group, county, actor=relative)
    # Both may inspect a village with no such tie.
    assert conflict_reason(cousin, county.village_b1) == ""
    assert not Visit.objects.exists()


def test_findings_are_routed_by_class_once_accepted(county: Cast, group: InspectionGroup) -> None:
    visit = _visit(group, county)
    reviewer = county.town_secretary.user
    leader = group.members.get(is_leader=True).user
    living, conduct, corruption = (
        actions.raise_finding(
            visit=visit, village=county.village_a1, finding_class=c, summary=s, actor=leader
        )
        for c, s in [
            ("living", "3户低保对象10月低保金未到账"),
            ("conduct", "村委会工作日多次无人值守"),
            ("corruption", "报账单据中有虚开的劳务费2,400元"),
        ]
    )
    assert {f.status for f in (living, conduct, corruption)} == {FindingStatus.PENDING}
    with pytest.raises(ValidationError, match="时限"):
        actions.review_finding(finding=living, accept=True, actor=reviewer)
    actions.review_finding(
        finding=living, accept=True, actor=reviewer, responsible="袁建国", deadline=D(2099, 1, 1)
    )
    actions.review_finding(finding=conduct, accept=True, actor=reviewer)
    actions.review_finding(finding=corruption, accept=True, actor=reviewer)
    item = RectificationItem.objects.get()
    assert (item.source_kind, item.region, item.owner_unit.kind) == (
        SourceKind.INSPECTION,
        county.village_a1,
        UnitKind.VILLAGE_COMMITTEE,
    )
    lead = Lead.objects.get()
    assert lead.handling_unit.region == county.county  # one level up
    assert Notification.objects.filter(user=county.town_secretary.user).exists()
    with pytest.raises(ValidationError):
        actions.review_finding(finding=conduct, accept=True, actor=reviewer)


def test_a_finding_without_a_village_or_returned_without_a_reason_is_refused(
    county: Cast, group: InspectionGroup
) -> None:
    visit = _visit(group, county)
    leader = group.members.get(is_leader=True).user
    with pytest.raises(ValidationError, match="村"):
        actions.raise_finding(
            visit=visit, village=None, finding_class="living", summary="x", actor=leader
        )
    assert not Finding.objects.exists()
    finding = actions.raise_finding(
        visit=visit, village=county.village_a1, finding_class="conduct", summary="x", actor=leader
    )
    with pytest.raises(ValidationError):
        actions.review_finding(finding=finding, accept=False, actor=county.town_secretary.user)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PENDING
    actions.review_finding(
        finding=finding,
        accept=False,
        comment="请补充时间和经过。",
        actor=county.town_secretary.user,
    )
    assert finding.status == FindingStatus.RETURNED
    assert timezone.now() >= finding.reviewed_at  # type: ignore[operator]
