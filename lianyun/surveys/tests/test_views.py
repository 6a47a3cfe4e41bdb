"""The pages: a villager answers (and is told "already answered" the second time), a paper
ballot is opened and answered, results and the index after the close, the builder and the
officials' pages with their access."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.surveys import actions
from lianyun.surveys.models import BallotToken, Participation, PendingBallot, Survey
from lianyun.surveys.tests.conftest import villagers
from lianyun.testing import Cast, pow_field


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _fields(survey: Survey, village, value: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"answering": "1"}
    for target in actions.targets_for(survey, village):
        for question in survey.questions.all():
            data[f"t{target.pk}_q{question.pk}"] = value
    return data


def test_a_villager_answers_once_on_the_page(county: Cast, social: Survey) -> None:
    url = reverse("surveys:survey-answer", args=[social.pk])
    assert reverse("ledger:payout-lookup") in Client().get(url).content.decode()
    person = villagers(county.village_a1, 1)[0]
    county.villager.user.resident = person
    county.villager.user.save()
    client = _signed_in(county.villager.user)
    page = client.get(url).content.decode()
    assert page.count('data-test="target"') == 1 and "佛楼镇" in page
    bad = client.post(
        url,
        {
            **_fields(social, county.village_a1, "8"),
            **{
                f"t{social.targets.get(area=county.town_a).pk}_q{social.questions.first().pk}": "11"
            },
        },
    )
    assert bad.status_code == 200 and not Participation.objects.exists()
    done = client.post(url, _fields(social, county.village_a1, "8"), follow=True)
    assert 'data-test="thanks"' in done.content.decode()
    again = client.post(url, _fields(social, county.village_a1, "3"))
    assert str(actions.ALREADY) in again.content.decode()
    assert PendingBallot.objects.count() == 1


def test_a_paper_ballot_opens_and_is_answered(county: Cast, social: Survey) -> None:
    sheet = actions.make_sheet(
        survey=social, village=county.village_b1, count=1, actor=county.outsider.user
    )
    code = actions.sheet_codes(sheet)[0][1]
    client = Client()
    opened = client.post(
        reverse("surveys:ballot"), {"code": actions.show_code(code), **pow_field("ballot")}
    )
    assert opened.content.decode().count('data-test="target"') == 1
    done = client.post(
        reverse("surveys:ballot"),
        {"code": code, **_fields(social, county.village_b1, "6"), **pow_field("ballot")},
        follow=True,
    )
    assert 'data-test="thanks"' in done.content.decode()
    assert BallotToken.objects.get().used
    spent = client.post(reverse("surveys:ballot"), {"code": code, **pow_field("ballot")})
    assert str(actions.ALREADY) in spent.content.decode()


def test_results_and_the_index_show_after_the_close(county: Cast, social: Survey) -> None:
    results = reverse("surveys:survey-results", args=[social.pk])
    assert 'data-test="pending"' in Client().get(results).content.decode()
    for village, value in ((county.village_a1, 8), (county.village_b1, 6)):
        for person in villagers(village, 2):
            actions.submit(
                survey=social,
                answers={
                    t.pk: {q.pk: value for q in social.questions.all()}
                    for t in actions.targets_for(social, village)
                },
                channel="online",
                resident=person,
            )
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, tzinfo=datetime.UTC)):
        page = Client().get(results).content.decode()
        assert page.count('data-test="mean"') == 24
        export = Client().get(reverse("surveys:survey-results-export", args=[social.pk]))
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        index = Client().get(reverse("surveys:index")).content.decode()
        assert 'data-test="county-index"' in index and "80.0" in index and "60.0" in index
        xlsx = Client().get(reverse("surveys:index-export") + "?year=2026")
        assert xlsx.status_code == 200


def test_the_builder_and_the_field_pages_keep_to_their_officials(
    county: Cast, frozen: object
) -> None:
    manager = _signed_in(county.county_inspector.user)
    created = manager.post(
        reverse("surveys:survey-create"),
        {
            "kind": "general",
            "title": "村务公开满意度",
            "opens_on": "2026-10-15",
            "closes_on": "2026-10-30",
        },
    )
    survey = Survey.objects.get(title="村务公开满意度")
    assert created["Location"] == reverse("surveys:survey-edit", args=[survey.pk])
    edit = reverse("surveys:survey-edit", args=[survey.pk])
    add_question = reverse("surveys:question-add", args=[survey.pk])
    add_target = reverse("surveys:target-add", args=[survey.pk])
    manager.post(
        add_question,
        {
            "kind": "single",
            "text": "公开及时吗",
            "choices": "是\n否",
            "required": "on",
        },
    )
    manager.post(add_target, {"kind": "town", "town": county.town_a.pk})
    cadre_id = next(n for n, p in county.residents.items() if p == county.cadre_resident)
    manager.post(add_target, {"kind": "official", "official": cadre_id})
    assert survey.targets.filter(official=county.cadre_resident).exists()
    unknown = manager.post(add_target, {"kind": "official", "official": "11010519491231002X"})
    assert 'class="error"' in unknown.content.decode() and survey.targets.count() == 2
    survey.targets.filter(official__isnull=False).delete()
    refused = manager.post(add_question, {"kind": "single", "text": "只有一个", "choices": "是"})
    assert (
        'class="errors"' in refused.content.decode() or 'class="error"' in refused.content.decode()
    )
    extra = survey.questions.create(kind="text", text="还有什么话", position=9, required=False)
    manager.post(reverse("surveys:question-remove", args=[survey.pk, extra.pk]))
    manager.post(reverse("surveys:survey-launch", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.launched_at is not None and survey.questions.count() == 1
    # A town commission prints ballots for its own villages, never for another town's.
    town = _signed_in(county.town_secretary.user)
    assert town.get(edit).status_code == 404
    made = town.post(
        reverse("surveys:sheets", args=[survey.pk]), {"village": county.village_a1.pk, "count": 2}
    )
    printed = town.get(made["Location"]).content.decode()
    assert printed.count('data-test="ballot"') == 2
    assert _signed_in(county.outsider.user).get(made["Location"]).status_code == 404
    # A paper form entered by its code.
    code = actions.sheet_codes(survey.sheets.get())[0][1]
    enter = reverse("surveys:enter", args=[survey.pk])
    form = town.post(enter, {"channel": "paper", "code": code}).content.decode()
    assert 'data-test="answer-form"' in form
    question = survey.questions.get()
    target = survey.targets.get()
    done = town.post(
        enter,
        {"channel": "paper", "code": code, "answering": "1", f"t{target.pk}_q{question.pk}": "是"},
    )
    assert done.status_code == 302
    assert BallotToken.objects.filter(used=True).count() == 1


def test_a_satisfaction_rating_is_attached_to_a_closed_out_item(
    county: Cast, frozen: object
) -> None:
    from lianyun.cases.actions import publish_feedback, record_milestone, register_rectification
    from lianyun.regions.models import Unit

    item = register_rectification(
        source_kind="other",
        source_ref="",
        region=county.village_a1,
        title="修复村道路灯",
        owner_unit=Unit.objects.get(name="三官寨村村民委员会"),
        responsible="文书",
        deadline=datetime.date(2026, 12, 1),
        actor=county.town_secretary.user,
    )
    record_milestone(item=item, progress=100, note="已修好", actor=county.town_secretary.user)
    publish_feedback(item=item, feedback="路灯已修好。", actor=county.town_secretary.user)
    manager = _signed_in(county.county_inspector.user)
    made = manager.post(reverse("surveys:satisfaction-create"), {"item": item.pk, "days": "10"})
    assert made.status_code == 302, made.content.decode()[-3000:]
    survey = Survey.objects.get(item=item)
    assert made["Location"] == reverse("surveys:survey-edit", args=[survey.pk])
    assert survey.launched_at is not None and survey.closes_on == datetime.date(2026, 10, 25)
    assert [t.label for t in survey.targets.all()] == ["修复村道路灯"]
    assert [q.kind for q in survey.questions.all()] == ["scale", "single", "text"]
    again = manager.post(reverse("surveys:satisfaction-create"), {"item": item.pk, "days": "10"})
    assert again.status_code == 200 and Survey.objects.filter(item=item).count() == 1
    # The village rates it; a villager of another town is not asked.
    person = villagers(county.village_a1, 1)[0]
    questions = list(survey.questions.all())
    actions.submit(
        survey=survey,
        answers={survey.targets.get().pk: {questions[0].pk: 9, questions[1].pk: "是"}},
        channel="online",
        resident=person,
    )
    assert actions.targets_for(survey, county.village_b1) == []


def test_a_telephone_interview_shows_the_drawn_villagers_phone_once_audited(
    county: Cast, social: Survey
) -> None:
    from django.test import override_settings

    from lianyun.core import crypto
    from lianyun.core.models import AuditEntry
    from lianyun.people.models import PHONE_CONTEXT
    from lianyun.surveys.models import Invitation, Response

    person = villagers(county.village_a1, 1)[0]
    person.phone_encrypted = crypto.encrypt("13800138000", context=PHONE_CONTEXT)
    person.save()
    with override_settings(LIANYUN_SURVEY_SAMPLE_BANDS=[(0, 100)]):
        actions.draw_sample(survey=social, town=county.town_a, actor=county.county_inspector.user)
    invitation = Invitation.objects.get(survey=social, resident=person)
    town = _signed_in(county.town_secretary.user)
    listed = town.get(reverse("surveys:invited", args=[social.pk, county.town_a.code]))
    assert "13800138000" not in listed.content.decode()  # the list shows masked names only
    url = reverse("surveys:enter", args=[social.pk]) + f"?channel=phone&invitation={invitation.pk}"
    page = town.get(url).content.decode()
    assert "tel:13800138000" in page
    assert (
        AuditEntry.objects.filter(action="survey.phone_read", object_id=str(person.pk)).count() == 1
    )
    assert _signed_in(county.outsider.user).get(url).status_code == 404
    data = {
        "channel": "phone",
        "invitation": invitation.pk,
        **_fields(social, county.village_a1, "9"),
    }
    assert town.post(reverse("surveys:enter", args=[social.pk]), data).status_code == 302
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, tzinfo=datetime.UTC)):
        actions.close(social)
    assert list(Response.objects.values_list("channel", flat=True)) == ["phone"]
