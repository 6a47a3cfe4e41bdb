"""云端话廉: attendance counted by the server, moderated questions, reminder talks that only
the commission and the official see, and the integrity record for the commission only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.cases.models import RectificationItem
from lianyun.core.roles import Role
from lianyun.talks import actions, queries
from lianyun.talks.models import Attendance, ReminderTalk, TalkKind, TalkQuestion
from lianyun.testing import Cast

NOW = datetime.datetime(2026, 11, 20, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
MINUTE = datetime.timedelta(minutes=1)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _talk(county: Cast, **fields: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "actor": county.county_inspector.user,
        "title": "以案为鉴",
        "kind": TalkKind.LECTURE,
        "speaker": "审理室主任",
        "starts_at": NOW,
        "duration": 30,
        "min_minutes": 3,
        "roles": [Role.TOWN_COMMISSION, Role.VILLAGE_CADRE],
        "now": NOW - datetime.timedelta(days=1),
    } | fields
    return actions.create_talk(**values)  # type: ignore[arg-type]


def test_attendance_is_the_servers_count_of_time_on_the_page(county: Cast) -> None:
    talk = _talk(county)
    official = county.town_secretary.user
    with pytest.raises(ValidationError):
        actions.heartbeat(talk=talk, user=official, now=NOW - MINUTE)  # not started
    with pytest.raises(ValidationError):
        actions.heartbeat(talk=talk, user=county.villager.user, now=NOW)  # not the audience
    row = actions.heartbeat(talk=talk, user=official, now=NOW)
    assert row.seconds == 0
    # A report after a long gap counts one minute at most; a burst counts nothing more.
    row = actions.heartbeat(talk=talk, user=official, now=NOW + 10 * MINUTE)
    assert row.seconds == 60
    for _ in range(5):
        row = actions.heartbeat(talk=talk, user=official, now=NOW + 10 * MINUTE)
    assert row.seconds == 60 and row.attended_at is None
    t = NOW + 10 * MINUTE
    for _ in range(4):
        t += datetime.timedelta(seconds=30)
        row = actions.heartbeat(talk=talk, user=official, now=t)
    assert row.seconds == 180 and row.attended_at == t
    with pytest.raises(ValidationError):
        actions.heartbeat(talk=talk, user=official, now=NOW + 31 * MINUTE)  # over, no recording
    counted = queries.attendance(talk)
    assert (counted.audience, counted.attended) == (3, 1)  # two town commissions, one cadre
    # The page's report answers with the count; a villager reaches nothing.
    page = reverse("talks:talk-heartbeat", args=[talk.pk])
    assert _client(county.villager.user).post(page).status_code == 404
    assert Attendance.objects.count() == 1


def test_bad_talks_are_refused_and_questions_are_moderated(county: Cast) -> None:
    for fields in ({"min_minutes": 31}, {"live_url": "ftp://x"}, {"speaker": " "}):
        with pytest.raises(ValidationError):
            _talk(county, **fields)
    with pytest.raises(ValidationError):
        _talk(county, actor=county.village_cadre.user)
    talk = _talk(county)
    official = county.town_secretary.user
    question = actions.ask(talk=talk, user=official, text="课件能下载吗？")
    page = reverse("talks:talk-detail", args=[talk.pk])
    assert "课件能下载吗" not in _client(official).get(page).content.decode()
    moderate = reverse("talks:question-moderate", args=[question.pk])
    assert _client(official).post(moderate, {"decision": "show"}).status_code == 404
    _client(county.county_inspector.user).post(moderate, {"decision": "show", "answer": "会后提供"})
    shown = _client(official).get(page).content.decode()
    assert "课件能下载吗" in shown and "会后提供" in shown
    # A talk's words are a talk's, not an inspection's or a petition's: 报名, 提问, 纪要.
    assert 'data-test="register">报名<' in shown and 'data-test="ask">提问<' in shown
    manage = (
        _client(county.county_inspector.user)
        .get(reverse("talks:talk-manage", args=[talk.pk]))
        .content.decode()
    )
    assert "<h2>纪要</h2>" in manage and "观看时长（分钟）" in manage and "巡检时长" not in manage
    assert TalkQuestion.objects.get().status == "approved"


def test_a_reminder_talk_is_for_the_commission_and_the_official_only(county: Cast) -> None:
    cadre = county.village_cadre.user
    town = county.town_secretary.user
    with pytest.raises(ValidationError):  # another town's commission
        actions.record_reminder_talk(
            actor=county.outsider.user,
            official=cadre,
            held_on=NOW.date(),
            topics="提醒",
            commitments=[],
            now=NOW,
        )
    with pytest.raises(ValidationError):  # not held yet
        actions.record_reminder_talk(
            actor=town,
            official=cadre,
            held_on=NOW.date() + datetime.timedelta(days=1),
            topics="提醒",
            commitments=[],
            now=NOW,
        )
    assert not ReminderTalk.objects.exists()
    talk = actions.record_reminder_talk(
        actor=town,
        official=cadre,
        held_on=NOW.date(),
        topics="低保评议未公示",
        commitments=["补齐公示", ""],
        deadline=NOW.date() + datetime.timedelta(days=20),
        now=NOW,
    )
    item = RectificationItem.objects.get()
    assert (
        item.source_ref == f"talks.ReminderTalk:{talk.pk}"
        and item.confidential
        and not item.is_public
    )
    assert talk.commitments == ["补齐公示"]
    page = reverse("talks:reminder-detail", args=[talk.pk])
    assert _client(county.villager.user).get(page).status_code == 404
    assert _client(county.outsider.user).get(page).status_code == 404
    assert _client(town).get(page).status_code == 200
    assert "低保评议未公示" in _client(cadre).get(page).content.decode()
    with pytest.raises(ValidationError):
        actions.acknowledge(talk=talk, user=town)
    _client(cadre).post(reverse("talks:reminder-acknowledge", args=[talk.pk]))
    with pytest.raises(ValidationError):
        actions.acknowledge(talk=talk, user=cadre)
    assert ReminderTalk.objects.get().acknowledged_at is not None


def test_the_integrity_record_is_for_the_commission_only(county: Cast) -> None:
    cadre = county.village_cadre.user
    talk = _talk(county)
    actions.heartbeat(talk=talk, user=cadre, now=NOW)
    Attendance.objects.update(seconds=600, attended_at=NOW)
    actions.record_reminder_talk(
        actor=county.town_secretary.user,
        official=cadre,
        held_on=NOW.date(),
        topics="村务公开不及时",
        commitments=["按季公开"],
        deadline=NOW.date() + datetime.timedelta(days=20),
        now=NOW,
    )
    record = queries.integrity_record(cadre)
    assert [a.talk for a in record.talks] == [talk]
    assert len(record.reminders) == 1 and len(record.items) == 1
    page = reverse("talks:record-detail", args=[cadre.pk])
    shown = _client(county.county_inspector.user).get(page).content.decode()
    assert "以案为鉴" in shown and "村务公开不及时" in shown and "按季公开" in shown
    assert _client(county.town_secretary.user).get(page).status_code == 200
    for outsider in (cadre, county.villager.user, county.outsider.user):
        assert _client(outsider).get(page).status_code == 404
    assert _client(county.villager.user).get(reverse("talks:record-list")).status_code == 404


def test_a_commission_member_related_to_the_official_sees_neither_record_nor_talk(
    county: Cast,
) -> None:
    cadre = county.village_cadre.user
    talk = actions.record_reminder_talk(
        actor=county.town_secretary.user,
        official=cadre,
        held_on=NOW.date(),
        topics="提醒",
        commitments=[],
        now=NOW,
    )
    spouse = User.objects.create(
        username="spouse-commission",
        role=Role.TOWN_COMMISSION,
        region=county.town_a,
        resident=county.relative_resident,
    )
    client = _client(spouse)
    assert client.get(reverse("talks:record-detail", args=[cadre.pk])).status_code == 404
    assert client.get(reverse("talks:reminder-detail", args=[talk.pk])).status_code == 404
    listed = client.get(reverse("talks:record-list")).content.decode()
    assert str(cadre) not in listed
    with pytest.raises(ValidationError):
        actions.acknowledge(talk=talk, user=spouse)
    with pytest.raises(ValidationError):  # nor holds one with the official
        actions.record_reminder_talk(
            actor=spouse, official=cadre, held_on=NOW.date(), topics="提醒", commitments=[], now=NOW
        )
    assert ReminderTalk.objects.count() == 1


def test_a_public_lecture_is_open_to_anyone_and_a_closed_one_to_nobody_else(
    county: Cast,
) -> None:
    public = _talk(county, title="纪法公开课", public=True)
    closed = _talk(county, title="干部内部培训")
    visitor = Client()
    listed = visitor.get(reverse("talks:talk-list")).content.decode()
    assert "纪法公开课" in listed and "干部内部培训" not in listed
    page = visitor.get(reverse("talks:talk-detail", args=[public.pk])).content.decode()
    assert 'data-test="public-talk"' in page and 'data-test="register"' not in page
    assert visitor.get(reverse("talks:talk-detail", args=[closed.pk])).status_code == 404
    # Asking needs a sign-in; a villager's question waits for the organisers like anyone's.
    asked = visitor.post(reverse("talks:talk-detail", args=[public.pk]), {"text": "能回放吗？"})
    assert asked["Location"].startswith(reverse("accounts:login"))
    villager = _client(county.villager.user)
    villager.post(reverse("talks:talk-detail", args=[public.pk]), {"text": "能回放吗？"})
    question = TalkQuestion.objects.get()
    assert question.user == county.villager.user and question.status == "pending"
    assert (
        "能回放吗"
        not in visitor.get(reverse("talks:talk-detail", args=[public.pk])).content.decode()
    )
    # Reminder talks stay between the commission and the official.
    assert "谈话提醒" not in villager.get(reverse("talks:talk-list")).content.decode()
