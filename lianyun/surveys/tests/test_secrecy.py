"""docs/security.md S21: no stuffing (one ballot stores one answer however many race for it; codes
that are not ballots store nothing) and no linking (nothing joins an answer to who gave it)."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, models
from django.test import Client, override_settings
from django.urls import reverse

from lianyun.core.models import AuditEntry
from lianyun.surveys import actions
from lianyun.surveys.actions import answering
from lianyun.surveys.models import (
    Answer,
    BallotToken,
    Channel,
    Participation,
    PendingBallot,
    Response,
    Survey,
)
from lianyun.surveys.tests.conftest import scores, villagers
from lianyun.testing import Cast, pow_field


def _form_data(survey: Survey, code: str, value: int) -> dict[str, str]:
    data = {"code": code, "answering": "1"}
    for target in actions.targets_for(
        survey, BallotToken.objects.get(code_index=actions.code_index(code)).village
    ):
        for question in survey.questions.all():
            data[f"t{target.pk}_q{question.pk}"] = str(value)
    return data


def test_200_parallel_submissions_with_one_ballot_store_exactly_one(
    committed: None, county: Cast, social: Survey
) -> None:
    sheet = actions.make_sheet(
        survey=social, village=county.village_a1, count=1, actor=county.town_secretary.user
    )
    code = actions.sheet_codes(sheet)[0][1]
    data = {**_form_data(social, code, 9), **pow_field("ballot")}

    def send(_n: int) -> int:
        try:
            response = Client().post(reverse("surveys:ballot"), data)
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(200)))
    assert sorted(statuses) == [200] * 199 + [302]  # one thanks (after a redirect), 199 refusals
    assert PendingBallot.objects.filter(survey=social).count() == 1
    assert BallotToken.objects.get().used
    with override_settings(LIANYUN_SURVEY_MIX_SIZE=1):
        answering._mix(social, final=True)
    assert Response.objects.filter(survey=social).count() == 1


def test_one_villager_sending_50_times_at_once_stores_one_answer(
    committed: None, county: Cast, social: Survey
) -> None:
    person = villagers(county.village_a1, 1)[0]
    answers = scores(social, county.village_a1, 6)

    def send(_n: int) -> str:
        try:
            actions.submit(survey=social, answers=answers, channel=Channel.ONLINE, resident=person)
            return "stored"
        except ValidationError as error:
            return error.messages[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(send, range(50)))
    assert outcomes.count("stored") == 1
    assert set(outcomes) - {"stored"} == {str(actions.ALREADY)}
    assert Participation.objects.count() == PendingBallot.objects.count() == 1


def test_1000_submissions_without_a_valid_ballot_store_nothing(
    county: Cast, social: Survey
) -> None:
    sheet = actions.make_sheet(
        survey=social, village=county.village_a1, count=1, actor=county.town_secretary.user
    )
    real = actions.sheet_codes(sheet)[0][1]
    answers = scores(social, county.village_a1, 5)
    refused = 0
    for n in range(1000):
        # Random codes, the real one mangled, and empty ones.
        code = (
            (real[:-1] + ("A" if real[-1] != "A" else "B"))
            if n % 10 == 0
            else ("" if n % 10 == 1 else actions.new_code())
        )
        try:
            actions.submit(survey=social, answers=answers, channel=Channel.BALLOT, token_code=code)
        except ValidationError:
            refused += 1
    assert refused == 1000
    limit, _window = settings.LIANYUN_LIMITS["ballot_codes_per_client"]
    for _ in range(limit):  # through the page too, until the address is stopped
        Client(REMOTE_ADDR="198.51.100.60").post(
            reverse("surveys:ballot"),
            {"code": actions.new_code(), "answering": "1", **pow_field("ballot")},
        )
    page = Client(REMOTE_ADDR="198.51.100.60").post(
        reverse("surveys:ballot"), {"code": real, **pow_field("ballot")}
    )
    assert 'data-test="answer-form"' not in page.content.decode()  # stopped, even for a real one
    assert (
        PendingBallot.objects.count(),
        Response.objects.count(),
        Participation.objects.count(),
        BallotToken.objects.filter(used=True).count(),
    ) == (0, 0, 0, 0)


def _model_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [f for f in model._meta.get_fields() if isinstance(f, models.Field)]


def test_the_answer_side_holds_no_key_to_a_person_and_no_time_but_the_day() -> None:
    for model in (Response, Answer, PendingBallot):
        for f in _model_fields(model):
            if f.is_relation:
                assert f.related_model not in (Participation, BallotToken), (model, f.name)
                assert f.related_model._meta.app_label == "surveys", (model, f.name)
            assert not isinstance(f, models.DateTimeField), (model, f.name)
            if isinstance(f, models.AutoField | models.BigAutoField):
                pytest.fail(f"{model.__name__} has a counting id")
    for model in (Participation, BallotToken):
        assert not any(
            isinstance(f, models.DateField | models.DateTimeField) for f in _model_fields(model)
        ), model
        assert isinstance(model._meta.pk, models.UUIDField)


def _physical_order(table: str) -> list[str]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {order}")  # noqa: S608 - our table name
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_answers_cannot_be_joined_to_respondents_by_any_order(county: Cast, social: Survey) -> None:
    """40 villagers answer one after another, each with a signature (their scores on the first
    two questions). Whatever order an attacker reads the tables in, the k-th participant is
    not the k-th answer more often than chance allows; each batch left the pool whole."""
    people = villagers(county.village_a1, 40)
    audit_before = AuditEntry.objects.count()
    batches = []
    with override_settings(LIANYUN_SURVEY_MIX_SIZE=5):
        for i, person in enumerate(people):
            signature = [1 + i % 10, 1 + i // 10] + [5] * 10
            before = Response.objects.count()
            actions.submit(
                survey=social,
                answers=scores(social, county.village_a1, signature),
                channel=Channel.ONLINE,
                resident=person,
            )
            batches.append(Response.objects.count() - before)
        assert set(batches) <= {0, 5}  # written only in whole batches of k
        assert PendingBallot.objects.filter(survey=social).count() >= 5
        social.closes_on = datetime.date(2026, 10, 14)
        social.save()
        assert actions.close(social)
    assert AuditEntry.objects.count() == audit_before + 1  # the close, not the answers
    assert Response.objects.filter(survey=social).count() == 40
    first, second = social.questions.all()[:2]
    voter_of = {}
    for response in Response.objects.filter(survey=social).prefetch_related("answers"):
        got = {a.question_id: a.score for a in response.answers.all()}
        voter_of[response.pk.hex] = (got[first.pk] - 1) + 10 * (got[second.pk] - 1)
    assert sorted(voter_of.values()) == list(range(40))
    participants = [p.resident_id for p in Participation.objects.filter(survey=social)]
    assert sorted(participants) == sorted(p.pk for p in people)
    orders = {
        "id": [r.pk.hex for r in Response.objects.filter(survey=social).order_by("id")],
        "default": [r.pk.hex for r in Response.objects.filter(survey=social)],
        "physical": _physical_order("surveys_response"),
    }
    by_id = [p.resident_id for p in Participation.objects.filter(survey=social).order_by("id")]
    rank = {p.pk: i for i, p in enumerate(people)}
    for name, order in orders.items():
        hits = sum(voter_of[pk] == i for i, pk in enumerate(order))
        assert hits <= 20, f"{name} order gives away {hits} of 40"
        # Participation read in its own id order is no better a key.
        paired = sum(voter_of[pk] == rank[r] for pk, r in zip(order, by_id, strict=True))
        assert paired <= 20, f"{name} × participation order gives away {paired} of 40"
    assert {r.day for r in Response.objects.filter(survey=social)} == {datetime.date(2026, 10, 15)}


def test_a_sealed_answer_in_the_pool_reads_as_nothing(county: Cast, social: Survey) -> None:
    person = villagers(county.village_a1, 1)[0]
    actions.submit(
        survey=social,
        answers=scores(social, county.village_a1, 7),
        channel=Channel.ONLINE,
        resident=person,
    )
    sealed = bytes(PendingBallot.objects.get().sealed)
    assert b"answers" not in sealed and b"day" not in sealed and b"online" not in sealed
