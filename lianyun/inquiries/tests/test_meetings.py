"""群众来问廉: a meeting from its notice to the last 销号, the counters, and the scoreboard."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.cases.actions import record_milestone
from lianyun.cases.models import Lead, RectificationItem, RectificationStatus
from lianyun.inquiries import actions
from lianyun.inquiries.models import Demand, InquiryMeeting, MeetingStatus, Questioned
from lianyun.inquiries.queries import meeting_counters, scoreboard
from lianyun.inquiries.tests.conftest import at
from lianyun.people.models import Post, Resident
from lianyun.publications.models import Entry, EntryKind
from lianyun.regions.models import Region, Unit
from lianyun.testing import Cast, every_cell_as_text

D = datetime.date
MEETING_DAY = D(2026, 11, 10)


def _meeting(
    cast: Cast, village: Region | None = None, day: D = MEETING_DAY, **extra: object
) -> InquiryMeeting:
    data: dict[str, object] = {
        "village": village or cast.village_a1,
        "starts_at": at(day, 14),
        "place": "村委会议室",
        "panel_size": 30,
        "officials": list(Post.objects.filter(unit__region=cast.village_a1)),
        "actor": cast.town_secretary.user,
        "now": at(D(2026, 11, 2)),
    }
    data.update(extra)
    return actions.schedule_meeting(**data)  # type: ignore[arg-type]


def _demand(meeting: InquiryMeeting, actor: User, **extra: object) -> Demand:
    data: dict[str, object] = {
        "meeting": meeting,
        "raised_by": "王大富",
        "category": "land_compensation",
        "text": "龙堂村道路征拆补偿款还差一半没兑现。",
        "answered_by": meeting.officials.first(),
        "reply": "情况属实。",
        "promise": "年底前兑现剩余补偿款",
        "responsible": "袁建国",
        "deadline": D(2026, 12, 31),
        "actor": actor,
        "now": at(meeting.starts_at.date(), 16),
    }
    data.update(extra)
    return actions.record_demand(**data)  # type: ignore[arg-type]


def _close_out(demand: Demand, actor: User, funds: str = "0") -> None:
    assert demand.item is not None
    record_milestone(item=demand.item, progress=100, note="已办结", actor=actor)
    actions.demand_feedback(
        demand=demand, feedback="已兑现", funds_returned=Decimal(funds), actor=actor
    )
    actions.demand_confirmation(demand=demand, satisfied=True, actor=actor)


def test_a_meeting_goes_from_its_notice_to_the_last_close_out(county: Cast) -> None:
    clerk = county.town_secretary.user
    meeting = _meeting(county, panel="党员代表10名、群众代表20名", observers="县电视台")
    assert meeting.notice_entry is not None
    assert Entry.objects.get(index=meeting.notice_entry).kind == EntryKind.MEETING_NOTICE
    questioned = meeting.officials.get()
    assert questioned.person == county.cadre_resident

    with pytest.raises(ValidationError, match="尚未"):
        actions.record_statement(
            questioned=questioned, statement="述职", actor=clerk, now=at(D(2026, 11, 9))
        )
    now = at(D(2026, 11, 10), 15)
    actions.record_statement(
        questioned=questioned, statement="今年完成村道硬化3公里……", actor=clerk, now=now
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.held_on == D(2026, 11, 10)

    demand = _demand(meeting, clerk, misconduct_clue=True)
    assert demand.item is not None and demand.item.status == RectificationStatus.REGISTERED
    assert demand.lead is not None and demand.lead.handling_unit == meeting.organiser
    answered_on_spot = _demand(
        meeting, clerk, promise="", responsible="", deadline=None, text="低保评议何时公示？"
    )
    assert answered_on_spot.item is None and answered_on_spot.number == 2

    with pytest.raises(ValidationError, match="测评"):
        actions.publish_result(meeting=meeting, actor=clerk, now=now)
    q = actions.record_vote(
        questioned=questioned, satisfied=10, basic=6, unsatisfied=14, actor=clerk, now=now
    )
    assert q.satisfaction == 53 and q.flagged  # 16 of 30 is below 60 %
    with pytest.raises(ValidationError):
        actions.record_vote(
            questioned=questioned, satisfied=30, basic=0, unsatisfied=0, actor=clerk, now=now
        )
    actions.publish_result(meeting=meeting, actor=clerk, now=now)
    assert Entry.objects.get(index=meeting.result_entry).kind == EntryKind.MEETING_RESULT
    with pytest.raises(ValidationError):
        _demand(meeting, clerk)  # the published result does not change

    # The work, the public feedback, an unsatisfied verdict (复号), more work, then 销号.
    item = demand.item
    record_milestone(item=item, progress=100, note="已发放到户", actor=clerk)
    actions.demand_feedback(
        demand=demand, feedback="补偿款已兑现", funds_returned=Decimal("4680"), actor=clerk
    )
    actions.demand_confirmation(demand=demand, satisfied=False, actor=clerk)
    item.refresh_from_db()
    assert item.status == RectificationStatus.REOPENED and item.reopen_count == 1
    record_milestone(item=item, progress=100, note="补发遗漏的3户", actor=clerk)
    actions.demand_feedback(
        demand=demand, feedback="已全部兑现", funds_returned=Decimal("4680"), actor=clerk
    )
    actions.demand_confirmation(demand=demand, satisfied=True, actor=clerk)
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED_OUT
    assert Entry.objects.filter(kind=EntryKind.RECTIFICATION).count() == 1

    page = Client().get(reverse("inquiries:demand-detail", args=[demand.pk])).content.decode()
    assert "王*富" in page and "王大富" not in page and "已全部兑现" in page
    # The name is kept encrypted; the officials who go back to the villager read it whole.
    assert "王大富" not in every_cell_as_text()
    manage = Client()
    manage.force_login(clerk)
    assert (
        "王大富"
        in manage.get(reverse("inquiries:demand-manage", args=[demand.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"starts_at": at(D(2026, 11, 1), 9)}, "过去"),
        ({"panel_size": 0}, "测评团"),
        ({"threshold": 101}, "1"),
        ({"officials": []}, "干部"),
    ],
)
def test_bad_meetings_are_refused(county: Cast, changes: dict, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationError, match=fragment):
        _meeting(county, **changes)
    assert not InquiryMeeting.objects.exists()
    assert not Entry.objects.exists()


def test_a_vote_larger_than_the_panel_and_a_past_deadline_write_nothing(county: Cast) -> None:
    clerk = county.town_secretary.user
    meeting = _meeting(county, panel_size=20)
    now = at(D(2026, 11, 10), 15)
    questioned = meeting.officials.get()
    with pytest.raises(ValidationError, match="20"):
        actions.record_vote(
            questioned=questioned, satisfied=15, basic=5, unsatisfied=1, actor=clerk, now=now
        )
    questioned.refresh_from_db()
    assert questioned.voted_at is None
    with pytest.raises(ValidationError, match="早于今天"):
        _demand(meeting, clerk, deadline=D(2026, 11, 1))  # 整改时限不能早于今天
    assert not Demand.objects.exists() and not RectificationItem.objects.exists()


def test_a_village_cadre_cannot_record_or_change_a_panel_vote(county: Cast) -> None:
    meeting = _meeting(county)
    questioned = meeting.officials.get()
    url = reverse("inquiries:meeting-vote", args=[meeting.pk, questioned.pk])
    cadre = Client()
    cadre.force_login(county.village_cadre.user)
    assert cadre.post(url, {"satisfied": 30, "basic": 0, "unsatisfied": 0}).status_code == 404
    assert cadre.get(reverse("inquiries:meeting-record", args=[meeting.pk])).status_code == 404
    outsider = Client()
    outsider.force_login(county.outsider.user)
    assert outsider.get(reverse("inquiries:meeting-record", args=[meeting.pk])).status_code == 404
    questioned.refresh_from_db()
    assert questioned.voted_at is None


def test_the_counters_match_a_hand_count(county: Cast, other_cadre: User) -> None:
    """Three meetings in town A (one in December, outside the period) and one in town B.

    Period 2026-11-01..2026-11-30, county: meetings 3 (A1 11-10, A2 11-20, B1 11-25);
    demands 2 + 1 + 1 = 4; solved: A1#1 (4,680 yuan) and B1#1 (1,200 yuan) = 2, 5,880 yuan;
    flagged: A1's cadre (16/30 < 60 %) = 1. Town A alone: 2 meetings, 3 demands, 1 solved,
    4,680 yuan, 1 flagged.
    """
    clerk = county.town_secretary.user
    county_clerk = county.county_inspector.user
    a1 = _meeting(county)
    a1_q = a1.officials.get()
    a1_first = _demand(a1, clerk)
    _demand(a1, clerk, text="另一件事", promise="", responsible="", deadline=None)
    actions.record_vote(
        questioned=a1_q,
        satisfied=10,
        basic=6,
        unsatisfied=14,
        actor=clerk,
        now=at(D(2026, 11, 10), 15),
    )
    _close_out(a1_first, clerk, "4680")

    a2 = _meeting(
        county,
        village=county.village_a2,
        day=D(2026, 11, 20),
        officials=list(Post.objects.filter(holder__name="李明")),
    )
    a2_demand = _demand(a2, clerk, answered_by=a2.officials.get())
    actions.record_vote(
        questioned=a2.officials.get(),
        satisfied=25,
        basic=3,
        unsatisfied=2,
        actor=clerk,
        now=at(D(2026, 11, 20), 15),
    )
    record_milestone(item=a2_demand.item, progress=60, note="在办", actor=clerk)  # type: ignore[arg-type]

    b_unit = Unit.objects.create(
        name="黄柳村村民委员会", kind="village_committee", region=county.village_b1
    )
    b_post = Post.objects.create(
        unit=b_unit, holder=Resident.objects.get(name="冯用武"), title="主任", start=D(2021, 4, 1)
    )
    b1 = _meeting(
        county,
        village=county.village_b1,
        day=D(2026, 11, 25),
        officials=[b_post],
        actor=county_clerk,
    )
    b1_demand = _demand(b1, county_clerk, answered_by=b1.officials.get())
    _close_out(b1_demand, county_clerk, "1200")

    december = _meeting(county, day=D(2026, 12, 3))
    _close_out(_demand(december, clerk, now=at(D(2026, 12, 3), 16)), clerk, "999")

    got = meeting_counters(county.county, D(2026, 11, 1), D(2026, 11, 30)).as_dict()
    assert got == {
        "meetings": 3,
        "demands": 4,
        "solved": 2,
        "funds_returned": Decimal("5880.00"),
        "flagged": 1,
    }
    got = meeting_counters(county.town_a, D(2026, 11, 1), D(2026, 11, 30)).as_dict()
    assert got == {
        "meetings": 2,
        "demands": 3,
        "solved": 1,
        "funds_returned": Decimal("4680.00"),
        "flagged": 1,
    }
    # A scheduled meeting that has not been held counts nowhere.
    _meeting(county, day=D(2026, 11, 28))
    assert (
        meeting_counters(county.county, D(2026, 11, 1), D(2026, 11, 30)).as_dict()["meetings"] == 3
    )

    page = (
        Client()
        .get(
            reverse("inquiries:meeting-statistics"),
            {
                "region": county.county.code,
                "start": "2026-11-01",
                "end": "2026-11-30",
                "show": "funds",
            },
        )
        .content.decode()
    )
    assert 'data-test="funds">5880.00<' in page
    assert reverse("inquiries:demand-detail", args=[a1_first.pk]) in page
    assert reverse("inquiries:demand-detail", args=[b1_demand.pk]) in page
    assert reverse("inquiries:demand-detail", args=[a2_demand.pk]) not in page
    assert Lead.objects.count() == 0


def test_the_scoreboard_counts_only_what_the_system_recorded(
    county: Cast, committee: Unit, asker: Resident
) -> None:
    """Two questions to the committee, published Tuesday 09:00. One answered 48 hours later,
    the other 120 hours later (on Sunday, after its due date? no: due 11-10, answered 11-08
    on time). The second answer states a paper reply dated the day it was asked: ignored."""
    cadre = county.village_cadre.user
    first = actions.ask(
        asker=asker,
        unit=committee,
        official=county.cadre_resident,
        category="other",
        title="一",
        question="问一",
        now=at(D(2026, 11, 2)),
    )
    second = actions.ask(
        asker=asker,
        unit=committee,
        category="other",
        title="二",
        question="问二",
        now=at(D(2026, 11, 2)),
    )
    third = actions.ask(
        asker=asker,
        unit=committee,
        category="other",
        title="三",
        question="问三",
        now=at(D(2026, 11, 2)),
    )
    for inquiry in (first, second, third):
        actions.screen(inquiry=inquiry, publish_it=True, actor=None, now=at(D(2026, 11, 3)))
    actions.answer(inquiry=first, text="答一", actor=cadre, now=at(D(2026, 11, 5)))
    actions.answer(
        inquiry=second, text="答二", actor=cadre, stated_date=D(2026, 11, 2), now=at(D(2026, 11, 8))
    )
    actions.rate(inquiry=first, satisfied=True)
    actions.rate(inquiry=second, satisfied=False)
    units, officials = scoreboard(first.__class__.objects.all(), today=D(2026, 11, 12))
    (unit,) = units
    assert (unit.asked, unit.answered, unit.answer_rate) == (3, 2, 67)
    assert unit.median_days == 3.5  # medians of 48 h and 120 h: 84 h
    assert unit.overdue == 1  # the third, unanswered past 11-10
    assert unit.satisfaction == 50
    (official,) = officials
    assert (official.asked, official.answered, official.median_days, official.overdue) == (
        1,
        1,
        2.0,
        0,
    )
    # A question still being screened counts nowhere.
    actions.ask(asker=asker, unit=committee, category="other", title="四", question="问四")
    assert scoreboard(first.__class__.objects.all(), today=D(2026, 11, 12))[0][0].asked == 3


def test_public_meeting_pages_and_print_notices(client: Client, county: Cast) -> None:
    meeting = _meeting(county)
    for name in ("meeting-detail", "meeting-notice", "meeting-list"):
        args = [] if name == "meeting-list" else [meeting.pk]
        assert client.get(reverse(f"inquiries:{name}", args=args)).status_code == 200
    notice = client.get(reverse("inquiries:meeting-notice", args=[meeting.pk])).content.decode()
    assert 'data-test="qr"' in notice and "袁建国" in notice
    assert Questioned.objects.count() == 1
