"""The 阳光问廉 API: public reads, answers with a token, and the same refusals as the pages."""

import datetime

from django.test import Client

from lianyun.accounts.actions import issue_api_token
from lianyun.cases.models import RectificationItem
from lianyun.inquiries import actions
from lianyun.inquiries.models import Demand, Inquiry, InquiryStatus
from lianyun.inquiries.tests.conftest import at
from lianyun.people.models import Post, Resident
from lianyun.regions.models import Unit
from lianyun.testing import Cast

D = datetime.date


def _published(asker: Resident, unit: Unit) -> Inquiry:
    inquiry = actions.ask(
        asker=asker, unit=unit, category="other", title="公章谁管", question="村里公章由谁保管？"
    )
    return actions.screen(inquiry=inquiry, publish_it=True, actor=None)


def test_questions_are_read_by_anyone_and_answered_with_a_token(
    client: Client, county: Cast, asker: Resident, committee: Unit
) -> None:
    inquiry = _published(asker, committee)
    screening = actions.ask(
        asker=asker, unit=committee, category="other", title="未审", question="x"
    )
    listed = client.get("/api/v1/inquiries").json()
    assert [q["id"] for q in listed] == [inquiry.pk]
    assert client.get(f"/api/v1/inquiries/{screening.pk}").status_code == 404

    url = f"/api/v1/inquiries/{inquiry.pk}/answers"
    body = {
        "text": "由文书保管，用章登记。",
        "commitments": [
            {"action": "公开用章登记簿", "responsible": "袁建国", "deadline": "2099-01-01"}
        ],
    }
    assert client.post(url, body, content_type="application/json").status_code == 401
    town = issue_api_token(user=county.town_secretary.user, name="t")
    refused = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {town}"}
    )
    assert refused.status_code == 404  # the town commission does not answer for the committee
    cadre = issue_api_token(user=county.village_cadre.user, name="c")
    empty = client.post(
        url,
        {"text": " "},
        content_type="application/json",
        headers={"Authorization": f"Bearer {cadre}"},
    )
    assert empty.status_code == 422 and "答复" in empty.json()["detail"]
    answered = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {cadre}"}
    )
    assert answered.status_code == 201
    got = answered.json()
    assert got["status"] == InquiryStatus.ANSWERED
    assert got["answers"][0]["commitments"][0]["action"] == "公开用章登记簿"
    assert RectificationItem.objects.count() == 1


def test_meetings_and_their_counters_are_public(client: Client, county: Cast) -> None:
    clerk = county.town_secretary.user
    meeting = actions.schedule_meeting(
        village=county.village_a1,
        starts_at=at(D(2026, 11, 10), 14),
        place="村委会",
        panel_size=30,
        officials=list(Post.objects.filter(unit__region=county.village_a1)),
        actor=clerk,
        now=at(D(2026, 11, 2)),
    )
    now = at(D(2026, 11, 10), 15)
    first = actions.record_demand(
        meeting=meeting,
        raised_by="王大富",
        category="roads_projects",
        text="路灯坏了",
        promise="修好路灯",
        responsible="袁建国",
        deadline=D(2099, 1, 1),
        actor=clerk,
        client_key="k-1",
        now=now,
    )
    again = actions.record_demand(
        meeting=meeting,
        raised_by="王大富",
        category="roads_projects",
        text="路灯坏了",
        promise="修好路灯",
        responsible="袁建国",
        deadline=D(2099, 1, 1),
        actor=clerk,
        client_key="k-1",
        now=now,
    )
    assert again.pk == first.pk and Demand.objects.count() == 1  # sent twice, recorded once
    got = client.get(f"/api/v1/inquiry-meetings/{meeting.pk}").json()
    assert got["demands"][0]["raised_by"] == "王*富"
    assert got["demands"][0]["status"] == "registered"
    assert (
        client.get("/api/v1/inquiry-meetings", {"town": county.town_a.code}).json()[0]["id"]
        == meeting.pk
    )
    counters = client.get(
        "/api/v1/inquiry-meetings/statistics",
        {"region": county.county.code, "start": "2026-11-01", "end": "2026-11-30"},
    ).json()
    assert counters == {
        "meetings": 1,
        "demands": 1,
        "solved": 0,
        "funds_returned": "0.00",
        "flagged": 0,
    }
    assert client.get("/api/v1/inquiry-meetings", {"town": "x"}).status_code == 400
