"""网上问廉: a question's whole life, its bad inputs, and who may answer it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import Notification, User
from lianyun.cases.models import RectificationItem, SourceKind
from lianyun.core.audit import verify_chain
from lianyun.inquiries import actions
from lianyun.inquiries.actions import CommitmentIn
from lianyun.inquiries.models import Answer, Inquiry, InquiryStatus
from lianyun.inquiries.tests.conftest import at
from lianyun.people.models import Resident
from lianyun.publications.models import Entry, EntryKind
from lianyun.regions.models import Unit
from lianyun.testing import Cast

D = datetime.date


def _ask(asker: Resident, unit: Unit, **extra: object) -> Inquiry:
    data: dict[str, object] = {
        "asker": asker,
        "unit": unit,
        "category": "roads_projects",
        "title": "村道硬化何时完工",
        "question": "去年说好的村道硬化，为什么到现在还没有完工？",
        "now": at(D(2026, 11, 2)),
    }
    data.update(extra)
    return actions.ask(**data)  # type: ignore[arg-type]


def test_a_question_lives_from_screening_to_the_commission(
    county: Cast, asker: Resident, committee: Unit
) -> None:
    moderator = county.county_inspector.user
    cadre = county.village_cadre.user
    inquiry = _ask(asker, committee, official=county.cadre_resident, account=county.villager.user)
    assert inquiry.status == InquiryStatus.SCREENING
    assert inquiry.screen_due == D(2026, 11, 4)  # 2 working days
    assert inquiry.official_title == "党组织书记、主任"
    assert Notification.objects.filter(user=moderator).exists()

    actions.screen(inquiry=inquiry, publish_it=True, actor=moderator, now=at(D(2026, 11, 3)))
    assert inquiry.answer_due == D(2026, 11, 10)  # 5 working days from Tuesday
    assert Notification.objects.filter(user=cadre).exists()

    # Nobody answers: the day after the due date it goes to the town commission, once.
    assert actions.escalate_overdue(today=D(2026, 11, 10)) == 0
    assert actions.escalate_overdue(today=D(2026, 11, 11)) == 1
    assert actions.escalate_overdue(today=D(2026, 11, 12)) == 0
    inquiry.refresh_from_db()
    assert inquiry.escalated_at is not None
    assert Notification.objects.filter(
        user=county.town_secretary.user, url=reverse("inquiries:inquiry-referred")
    ).exists()

    # The late answer commits to an action, which goes on the rectification list.
    actions.answer(
        inquiry=inquiry,
        text="已列入今年计划，12月底前完工。",
        commitments=[CommitmentIn("完成村道硬化2.3公里", "袁建国", D(2026, 12, 31))],
        actor=cadre,
        now=at(D(2026, 11, 12)),
    )
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED
    item = RectificationItem.objects.get(source_ref=f"inquiries.Inquiry:{inquiry.pk}")
    assert (item.source_kind, item.owner_unit, item.deadline) == (
        SourceKind.INQUIRY,
        committee,
        D(2026, 12, 31),
    )
    assert item.raised_by == county.villager.user  # the asker confirms it before 销号
    assert Entry.objects.filter(kind=EntryKind.INQUIRY_ANSWER).count() == 1

    # Unsatisfied once: reopened for a second answer, due 5 working days later.
    actions.rate(inquiry=inquiry, satisfied=False, now=at(D(2026, 11, 13)))
    assert inquiry.status == InquiryStatus.REOPENED
    assert inquiry.second_due == D(2026, 11, 20)
    with pytest.raises(ValidationError):
        actions.rate(inquiry=inquiry, satisfied=True)  # nothing new to rate yet
    actions.answer(
        inquiry=inquiry, text="补充：资金已到位，本周开工。", actor=cadre, now=at(D(2026, 11, 16))
    )
    inquiry.refresh_from_db()
    # Unsatisfied twice: the commission takes it.
    actions.rate(inquiry=inquiry, satisfied=False, now=at(D(2026, 11, 17)))
    assert inquiry.status == InquiryStatus.REFERRED
    actions.conclude_referred(
        inquiry=inquiry, note="镇纪委已约谈村支书，督促按期完工。", actor=county.town_secretary.user
    )
    assert inquiry.status == InquiryStatus.CLOSED
    assert list(inquiry.answers.values_list("round", flat=True)) == [1, 2]
    assert not list(verify_chain())
    # An answer rewritten in its own table no longer matches what was published.
    from lianyun.inquiries.models import Answer
    from lianyun.publications.queries import verify_chain as verify_publications

    assert verify_publications() == []
    Answer.objects.filter(inquiry=inquiry, round=1).update(text="已完工。")
    assert [p.where for p in verify_publications()] == [f"question {inquiry.pk} answer 1"]


def test_a_refused_question_shows_its_reason_to_the_asker_only(
    client: Client, county: Cast, asker: Resident, committee: Unit
) -> None:
    inquiry = _ask(asker, committee, account=county.villager.user)
    actions.screen(
        inquiry=inquiry,
        publish_it=False,
        reason="问题中含有他人身份证号码，请删去后重新提问。",
        actor=county.county_inspector.user,
    )
    url = reverse("inquiries:inquiry-detail", args=[inquiry.pk])
    assert client.get(url).status_code == 404
    client.force_login(county.villager.user)
    page = client.get(url).content.decode()
    assert "请删去后重新提问" in page
    with pytest.raises(ValidationError):
        actions.screen(inquiry=inquiry, publish_it=True, actor=county.county_inspector.user)


def test_a_refusal_needs_a_reason(county: Cast, asker: Resident, committee: Unit) -> None:
    inquiry = _ask(asker, committee)
    with pytest.raises(ValidationError, match="原因"):
        actions.screen(inquiry=inquiry, publish_it=False, reason=" ", actor=None)
    assert inquiry.status == InquiryStatus.SCREENING  # not even in memory
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.SCREENING


def test_bad_questions_and_answers_write_nothing(
    county: Cast, asker: Resident, committee: Unit, outside_unit: Unit
) -> None:
    with pytest.raises(ValidationError, match="本县"):
        _ask(asker, outside_unit)
    with pytest.raises(ValidationError):
        _ask(asker, committee, official=county.relative_resident)  # holds no post there
    assert not Inquiry.objects.exists()
    inquiry = _ask(asker, committee)
    actions.screen(inquiry=inquiry, publish_it=True, actor=None, now=at(D(2026, 11, 3)))
    with pytest.raises(ValidationError, match="答复"):
        actions.answer(inquiry=inquiry, text="  ", actor=county.village_cadre.user)
    with pytest.raises(ValidationError, match="早于今天"):
        actions.answer(
            inquiry=inquiry,
            text="好的",
            commitments=[CommitmentIn("修路", "袁建国", D(2020, 1, 1))],
            actor=county.village_cadre.user,
        )
    assert not Answer.objects.exists()
    assert not RectificationItem.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.INQUIRY_ANSWER).exists()


def test_a_cadre_answers_only_for_a_unit_of_their_own(
    county: Cast, asker: Resident, committee: Unit, other_cadre: User
) -> None:
    inquiry = _ask(asker, committee)
    actions.screen(inquiry=inquiry, publish_it=True, actor=None)
    url = reverse("inquiries:inquiry-answer", args=[inquiry.pk])
    stranger = Client()
    stranger.force_login(other_cadre)
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"text": "越俎代庖"}).status_code == 404
    own = Client()
    own.force_login(county.village_cadre.user)
    assert own.get(url).status_code == 200
    response = own.post(url, {"text": "正在办理。"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED


def test_the_asker_asks_and_rates_on_the_site(
    client: Client, county: Cast, asker: Resident, committee: Unit
) -> None:
    assert "payouts" in client.get(reverse("inquiries:inquiry-create")).content.decode()
    client.force_login(county.villager.user)
    page = client.get(reverse("inquiries:inquiry-create"), {"region": county.village_a1.code})
    assert committee.name in page.content.decode()
    response = client.post(
        reverse("inquiries:inquiry-create"),
        {
            "region": county.village_a1.code,
            "unit": str(committee.pk),
            "official": "",
            "category": "subsidies",
            "title": "耕地地力补贴少发了",
            "question": "今年的耕地地力保护补贴比去年少了一半，是什么原因？",
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.asker == asker
    actions.screen(inquiry=inquiry, publish_it=True, actor=None)
    actions.answer(
        inquiry=inquiry, text="面积核减所致，详见公示。", actor=county.village_cadre.user
    )
    url = reverse("inquiries:inquiry-detail", args=[inquiry.pk])
    page = client.get(url).content.decode()
    assert "面积核减所致" in page and 'data-test="rate"' in page
    # Nobody else may rate it.
    other = Client()
    assert (
        other.post(
            reverse("inquiries:inquiry-rate", args=[inquiry.pk]), {"satisfied": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("inquiries:inquiry-rate", args=[inquiry.pk]), {"satisfied": "1"}
        ).status_code
        == 302
    )
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED and inquiry.satisfied is True
    # The public list and page show the asker's name masked, never whole.
    listing = Client().get(reverse("inquiries:inquiry-list")).content.decode()
    assert "耕地地力补贴少发了" in listing
    public = Client().get(url).content.decode()
    assert "欧阳娜娜" not in public and asker.masked_name in public


def test_a_question_with_another_countys_unit_is_refused_on_the_form(
    client: Client, county: Cast, asker: Resident, outside_unit: Unit
) -> None:
    client.force_login(county.villager.user)
    response = client.post(
        reverse("inquiries:inquiry-create"),
        {"unit": str(outside_unit.pk), "category": "other", "title": "x", "question": "y"},
    )
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_the_daily_command_escalates_late_answers(
    county: Cast, asker: Resident, committee: Unit
) -> None:
    inquiry = _ask(asker, committee)
    actions.screen(inquiry=inquiry, publish_it=True, actor=None, now=at(D(2026, 11, 3)))
    out = io.StringIO()
    call_command("daily", today=D(2026, 11, 11), stdout=out)
    assert "1 questions" in out.getvalue()
    inquiry.refresh_from_db()
    assert inquiry.escalated_at is not None
    page = Client().get(reverse("inquiries:inquiry-list")).content.decode()
    assert 'data-test="overdue"' in page


def test_a_phone_verified_villager_asks_and_is_texted_that_not_what(
    client: Client,
    county: Cast,
    asker: Resident,
    committee: Unit,
    settings,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from lianyun.core.sms import MemoryBackend
    from lianyun.ledger.access import VERIFIED, verified_cookie

    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    # The payout lookup's proof (a texted code or the card number), kept in the browser.
    client.cookies[VERIFIED] = verified_cookie(asker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inquiries:inquiry-create"),
            {
                "region": county.village_a1.code,
                "unit": str(committee.pk),
                "category": "village_finances",
                "title": "集体收入去向",
                "question": "村里鱼塘承包费用在哪里？",
            },
        )
        assert response.status_code == 302
        inquiry = Inquiry.objects.get()
        assert inquiry.asker == asker and inquiry.asker_account is None
        actions.screen(inquiry=inquiry, publish_it=True, actor=county.county_inspector.user)
        actions.answer(inquiry=inquiry, text="用于村道维修。", actor=county.village_cadre.user)
    texts = [m.text for m in MemoryBackend.outbox]
    assert [m.phone for m in MemoryBackend.outbox] == ["13800001111"] * 2
    assert texts == [
        f"【廉韵】您的问廉Q{inquiry.pk}已公开。",
        f"【廉韵】您的问廉Q{inquiry.pk}已有答复。",
    ]
    assert "鱼塘" not in "".join(texts)
    # The proof lapses: the page no longer knows the asker.
    client.cookies[VERIFIED] = "forged"
    assert (
        'data-test="rate"'
        not in client.get(reverse("inquiries:inquiry-detail", args=[inquiry.pk])).content.decode()
    )


def test_a_villager_asks_at_most_five_questions_a_day(
    client: Client, county: Cast, asker: Resident, committee: Unit
) -> None:
    client.force_login(county.villager.user)
    form = {
        "region": county.village_a1.code,
        "unit": str(committee.pk),
        "category": "other",
        "title": "问题",
        "question": "内容",
    }
    for _ in range(5):
        assert client.post(reverse("inquiries:inquiry-create"), form).status_code == 302
    refused = client.post(reverse("inquiries:inquiry-create"), form)
    assert refused.status_code == 400 and "明天" in refused.content.decode()
    assert Inquiry.objects.count() == 5
    # The moderator sees them, oldest due first, the late ones marked.
    moderator = Client()
    moderator.force_login(county.county_inspector.user)
    queue = moderator.get(reverse("inquiries:inquiry-screening")).content.decode()
    assert queue.count('data-test="screen-item"') == 5


def test_the_asker_confirms_each_promised_action_before_it_is_closed_out(
    client: Client, county: Cast, asker: Resident, committee: Unit
) -> None:
    from lianyun.cases.actions import publish_feedback, record_milestone
    from lianyun.cases.models import RectificationStatus

    inquiry = _ask(asker, committee, account=county.villager.user)
    actions.screen(inquiry=inquiry, publish_it=True, actor=None)
    cadre = county.village_cadre.user
    actions.answer(
        inquiry=inquiry,
        text="本月修好。",
        commitments=[CommitmentIn("修复村道", "袁建国", D(2099, 1, 1))],
        actor=cadre,
    )
    item = RectificationItem.objects.get()
    record_milestone(item=item, progress=100, note="已修复", actor=cadre)
    publish_feedback(item=item, feedback="村道已修复。", actor=cadre)
    item.refresh_from_db()
    assert item.status == RectificationStatus.REGISTERED  # waits for the asker
    url = reverse("inquiries:inquiry-confirm", args=[inquiry.pk])
    assert Client().post(url, {"item": item.pk, "satisfied": "1"}).status_code == 404
    client.force_login(county.villager.user)
    page = client.get(reverse("inquiries:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert 'data-test="confirm"' in page
    assert client.post(url, {"item": item.pk, "satisfied": "0"}).status_code == 302
    item.refresh_from_db()
    assert item.status == RectificationStatus.REOPENED
    record_milestone(item=item, progress=100, note="补修两处", actor=cadre)
    publish_feedback(item=item, feedback="已补修。", actor=cadre)
    assert client.post(url, {"item": item.pk, "satisfied": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED_OUT
