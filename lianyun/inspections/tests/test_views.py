"""The inspector's pages on a phone and the town commission's review, through the web."""

import datetime
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from lianyun.cases.models import RectificationItem
from lianyun.inspections import actions
from lianyun.inspections.models import (
    ChecklistItem,
    Finding,
    FindingStatus,
    InspectionGroup,
    TownSummary,
    Visit,
)
from lianyun.testing import Cast

D = datetime.date


def test_an_inspector_logs_an_account_check_and_the_town_routes_its_finding(
    county: Cast, group: InspectionGroup
) -> None:
    for day in range(1, 4):
        actions.record_expenditure(
            village=county.village_a1,
            spent_on=D(2026, 10, day),
            amount=Decimal("500"),
            payee="砂石场",
            purpose="村道维修",
            voucher=f"記-{day}",
        )
    leader = group.members.get(is_leader=True).user
    phone = Client()
    phone.force_login(leader)
    page = phone.get(reverse("inspections:visit-create", args=[group.pk])).content.decode()
    assert "四议两公开" in page and 'data-keep="visit-' in page
    point = ChecklistItem.objects.filter(kind="account_check").first()
    assert point is not None
    response = phone.post(
        reverse("inspections:visit-create", args=[group.pk]),
        {
            "village": county.village_a1.code,
            "kind": "account_check",
            "visited_on": "2026-11-03",
            "minutes": "75",
            "people_met": "村会计",
            "notes": "核对10月报账。",
            f"check_{point.pk}": "problem",
            "client_key": "k-9",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.checklist == {str(point.pk): "problem"}
    url = reverse("inspections:visit-detail", args=[visit.pk])
    phone.post(reverse("inspections:visit-sample", args=[visit.pk]), {"month": "2026-10"})
    assert phone.get(url).content.decode().count('data-test="sample-item"') == 3
    item = visit.sample.first()
    assert item is not None
    phone.post(
        reverse("inspections:visit-sample-check", args=[visit.pk]),
        {"item": item.pk, "verified": "0", "note": "凭证缺失"},
    )
    item.refresh_from_db()
    assert item.verified is False
    phone.post(
        reverse("inspections:visit-finding", args=[visit.pk]),
        {"finding_class": "living", "summary": "3笔维修费无凭证，道路仍未修好"},
    )
    finding = Finding.objects.get()
    # A bad date writes nothing and says why.
    refused = phone.post(
        reverse("inspections:visit-create", args=[group.pk]),
        {
            "village": county.village_a1.code,
            "kind": "household_visit",
            "visited_on": "2099-01-01",
            "minutes": "30",
        },
    )
    assert refused.status_code == 400 and "未来" in refused.content.decode()
    assert Visit.objects.count() == 1

    town = Client()
    town.force_login(county.town_secretary.user)
    assert (
        'data-test="pending-finding"'
        in town.get(reverse("inspections:finding-list")).content.decode()
    )
    town.post(
        reverse("inspections:finding-review", args=[finding.pk]),
        {"decision": "accept", "responsible": "袁建国", "deadline": "2099-01-01"},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED
    assert RectificationItem.objects.get().title.startswith("3笔维修费")
    # Another town's commission sees none of it.
    outsider = Client()
    outsider.force_login(county.outsider.user)
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("inspections:group-detail", args=[group.pk])).status_code == 404


def test_the_group_page_shows_who_may_not_inspect_where_and_why(
    county: Cast, group: InspectionGroup
) -> None:
    from lianyun.inspections.tests.conftest import inspector

    neighbour = inspector(county, "neighbour", county.relative_resident)
    group.members.create(user=neighbour)
    town = Client()
    town.force_login(county.town_secretary.user)
    page = town.get(reverse("inspections:group-detail", args=[group.pk])).content.decode()
    assert 'data-test="conflict"' in page and "彭秀英" in page


def test_the_leader_compiles_and_signs_and_the_town_sends_its_summary(
    county: Cast, group: InspectionGroup
) -> None:
    import io

    from python_calamine import CalamineWorkbook

    from lianyun.inspections.tests.conftest import visit

    visit(group, county, visited_on=D(2026, 10, 8))
    leader = group.members.get(is_leader=True).user
    phone = Client()
    phone.force_login(leader)
    response = phone.post(reverse("inspections:report-list", args=[group.pk]), {"month": "2026-10"})
    assert response.status_code == 302
    report_url = response["Location"]
    page = phone.get(report_url).content.decode()
    assert 'data-test="visits">1<' in page and "石林村" in page  # the village not visited
    phone.post(report_url, {"comment": "已核对报账。"})
    assert 'data-test="signed"' in phone.get(report_url).content.decode()
    again = phone.post(report_url, {"comment": "再签"})
    assert again.status_code == 400  # signed once
    printed = phone.get(report_url + "print/").content.decode()
    assert 'data-test="qr"' in printed and "已核对报账" in printed
    exported = phone.get(report_url + "export/").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported)).get_sheet_by_index(0).to_python()
    assert ["巡检记录", 1.0] in [row[:2] for row in rows]
    member = Client()
    member.force_login(group.members.get(is_leader=False).user)
    assert (
        member.post(
            reverse("inspections:report-list", args=[group.pk]), {"month": "2026-09"}
        ).status_code
        == 404
    )

    town = Client()
    town.force_login(county.town_secretary.user)
    url = reverse("inspections:summary-list") + "?month=2026-10"
    assert 'data-test="send-summary"' in town.get(url).content.decode()
    town.post(url, {"month": "2026-10", "comment": "本月巡检正常。"})
    county_page = Client()
    county_page.force_login(county.county_inspector.user)
    overview = county_page.get(url).content.decode()
    assert "佛楼镇" in overview and "1 次巡检" in overview
    summary = TownSummary.objects.get()
    printed = county_page.get(
        reverse("inspections:summary-print", args=[summary.pk])
    ).content.decode()
    assert "佛楼镇第一巡检组" in printed and "本月巡检正常" in printed
    sheet = county_page.get(reverse("inspections:summary-export", args=[summary.pk])).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == "佛楼镇第一巡检组" and rows[2][2] == 1.0
    outsider = Client()
    outsider.force_login(county.outsider.user)
    assert outsider.get(reverse("inspections:summary-print", args=[summary.pk])).status_code == 404


def test_a_town_commission_forms_a_group_from_its_inspectors_and_villages(county: Cast) -> None:
    from lianyun.inspections.tests.conftest import inspector

    lead, other = inspector(county, "lead"), inspector(county, "other")
    town = Client()
    town.force_login(county.town_secretary.user)
    url = reverse("inspections:group-create")
    page = town.get(url).content.decode()
    assert "三官寨村" in page and "黄柳村" not in page  # only its own villages
    response = town.post(
        url,
        {
            "name": "佛楼镇第三巡检组",
            "formed_on": "2026-11-01",
            "leader": str(lead.pk),
            "members": [str(other.pk)],
            "villages": [county.village_a1.code, county.village_a2.code],
        },
    )
    assert response.status_code == 302
    group = InspectionGroup.objects.get(name="佛楼镇第三巡检组")
    assert group.members.get(is_leader=True).user == lead
    assert set(group.villages.values_list("code", flat=True)) == {
        county.village_a1.code,
        county.village_a2.code,
    }
    empty = town.post(url, {"name": "空组", "formed_on": "2026-11-01", "leader": str(lead.pk)})
    assert empty.status_code == 400 and not InspectionGroup.objects.filter(name="空组").exists()
    county_page = Client()
    county_page.force_login(county.county_inspector.user)
    assert county_page.get(url).status_code == 404


def test_the_county_edits_the_checklists(county: Cast) -> None:
    page = Client()
    page.force_login(county.county_inspector.user)
    url = reverse("inspections:checklist-list")
    before = ChecklistItem.objects.filter(kind="household_visit", active=True).count()
    added = page.post(
        reverse("inspections:checklist-add"),
        {"kind": "household_visit", "text": "危房改造补助是否到户"},
    )
    assert added.status_code == 302 and added["Location"] == url
    assert ChecklistItem.objects.filter(kind="household_visit", active=True).count() == before + 1
    blank = page.post(reverse("inspections:checklist-add"), {"kind": "household_visit", "text": ""})
    assert blank.status_code == 400
    point = ChecklistItem.objects.get(text="危房改造补助是否到户")
    page.post(reverse("inspections:checklist-retire", args=[point.pk]))
    point.refresh_from_db()
    assert point.active is False
    town = Client()
    town.force_login(county.town_secretary.user)
    assert town.get(url).status_code == 404
    assert town.post(reverse("inspections:checklist-retire", args=[point.pk])).status_code == 404


def test_a_village_cadre_records_the_villages_expenditures(county: Cast) -> None:
    from lianyun.inspections.models import Expenditure

    cadre = Client()
    cadre.force_login(county.village_cadre.user)
    url = reverse("inspections:expenditure-list")
    response = cadre.post(
        url,
        {
            "spent_on": "2026-11-02",
            "amount": "1200.50",
            "payee": "砂石场",
            "purpose": "村道维修",
            "voucher": "記-7",
        },
    )
    assert response.status_code == 302
    spent = Expenditure.objects.get()
    assert (spent.village, spent.amount) == (county.village_a1, Decimal("1200.50"))
    refused = cadre.post(
        url, {"spent_on": "2099-01-01", "amount": "5", "payee": "x", "purpose": "y"}
    )
    assert refused.status_code == 400 and Expenditure.objects.count() == 1
    town = Client()
    town.force_login(county.town_secretary.user)
    assert town.get(url).status_code == 404
