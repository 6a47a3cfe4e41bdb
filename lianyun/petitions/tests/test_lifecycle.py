import datetime

import pytest
from django.core.exceptions import ValidationError

from lianyun.cases.actions import dispose_lead
from lianyun.cases.models import Disposition, LeadStatus
from lianyun.petitions import actions
from lianyun.petitions.access import visible_petitions
from lianyun.petitions.models import Decision, EventKind, Petition, PetitionKind, PetitionStatus
from lianyun.testing import Cast, commissions, named_accusation

D = datetime.date
REGISTERED = D(2026, 9, 20)


@pytest.fixture
def accusation(cast: Cast) -> actions.Submitted:
    commissions(cast)
    return actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_person=cast.cadre_resident,
        description="村支书截留了低保金，请调查。",
        today=REGISTERED,
    )


def test_an_anonymous_accusation_is_routed_to_the_town_commission_with_a_15_day_clock(
    accusation: actions.Submitted, cast: Cast
) -> None:
    petition = accusation.petition
    assert petition.handling_unit.region == cast.town_a
    assert petition.status == PetitionStatus.REGISTERED
    # 20 Sep + 15 days = 5 Oct, inside the National Day holiday → 8 Oct.
    assert petition.due_on == D(2026, 10, 8)
    assert actions.read_description(petition) == "村支书截留了低保金，请调查。"
    assert b"\xe6\x9d\x91" not in bytes(petition.description_encrypted)  # no "村" in clear


def test_acceptance_starts_the_60_day_clock_and_opens_a_lead(
    accusation: actions.Submitted, cast: Cast
) -> None:
    petition = actions.accept_petition(
        petition=accusation.petition, actor=cast.town_secretary.user, today=D(2026, 9, 25)
    )
    assert petition.status == PetitionStatus.ACCEPTED
    assert petition.due_on == D(2026, 11, 24)
    assert petition.lead is not None
    assert petition.lead.status == LeadStatus.OPEN
    assert list(petition.lead.subjects.all()) == [cast.cadre_resident]


def test_an_accusation_is_answered_only_after_its_lead_is_disposed_of(
    accusation: actions.Submitted, cast: Cast
) -> None:
    secretary = cast.town_secretary.user
    petition = actions.accept_petition(
        petition=accusation.petition, actor=secretary, today=D(2026, 9, 25)
    )
    with pytest.raises(ValidationError, match="线索"):
        actions.answer_petition(
            petition=petition, decision=Decision.SUPPORT, answer="查实", actor=secretary
        )
    assert petition.lead is not None
    dispose_lead(
        lead=petition.lead,
        disposition=Disposition.PRELIMINARY_CHECK,
        reason="集体研究",
        actor=secretary,
        today=D(2026, 9, 28),
    )
    petition = actions.answer_petition(
        petition=petition,
        decision=Decision.SUPPORT,
        answer="经核查，反映属实，已责令退还。",
        actor=secretary,
        today=D(2026, 11, 2),
    )
    assert petition.status == PetitionStatus.ANSWERED
    assert petition.due_on == D(2026, 12, 2)  # 30 days to ask for a review


def _answered(accusation: actions.Submitted, cast: Cast) -> Petition:
    secretary = cast.town_secretary.user
    petition = actions.accept_petition(
        petition=accusation.petition, actor=secretary, today=D(2026, 9, 25)
    )
    assert petition.lead is not None
    dispose_lead(
        lead=petition.lead,
        disposition=Disposition.CLOSE,
        reason="不属实",
        actor=secretary,
        today=D(2026, 9, 28),
    )
    return actions.answer_petition(
        petition=petition,
        decision=Decision.REJECT,
        answer="经核查不属实",
        actor=secretary,
        today=D(2026, 10, 9),
    )


def test_review_then_recheck_then_final(accusation: actions.Submitted, cast: Cast) -> None:
    petition = _answered(accusation, cast)
    town_unit = petition.handling_unit
    petition = actions.appeal_petition(petition=petition, reason="不服", today=D(2026, 10, 20))
    assert petition.status == PetitionStatus.REVIEW_REQUESTED
    assert petition.handling_unit == town_unit.parent  # the next-higher commission
    county = cast.county_inspector.user
    petition = actions.answer_petition(
        petition=petition,
        decision=Decision.EXPLAIN,
        answer="维持",
        actor=county,
        today=D(2026, 11, 5),
    )
    assert petition.status == PetitionStatus.REVIEW_ANSWERED
    petition = actions.appeal_petition(petition=petition, reason="仍不服", today=D(2026, 11, 20))
    assert petition.status == PetitionStatus.RECHECK_REQUESTED
    petition = actions.answer_petition(
        petition=petition,
        decision=Decision.EXPLAIN,
        answer="终结",
        actor=county,
        today=D(2026, 12, 1),
    )
    assert petition.status == PetitionStatus.FINAL
    assert petition.due_on is None
    with pytest.raises(ValidationError):
        actions.appeal_petition(petition=petition, reason="再次", today=D(2026, 12, 2))
    kinds = list(petition.events.values_list("kind", flat=True))
    assert kinds[-1] == EventKind.RECHECK_ANSWERED


def test_an_appeal_after_30_days_is_refused_and_the_answer_closes(
    accusation: actions.Submitted, cast: Cast
) -> None:
    petition = _answered(accusation, cast)
    with pytest.raises(ValidationError, match="30"):
        actions.appeal_petition(petition=petition, reason="不服", today=D(2026, 11, 20))
    assert actions.close_lapsed_petitions(today=D(2026, 11, 20)) == 1
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLOSED


def test_an_extension_is_allowed_once_up_to_30_days_with_a_reason(
    accusation: actions.Submitted, cast: Cast
) -> None:
    secretary = cast.town_secretary.user
    petition = actions.accept_petition(
        petition=accusation.petition, actor=secretary, today=D(2026, 9, 25)
    )
    before = petition.due_on
    with pytest.raises(ValidationError):
        actions.extend_petition(petition=petition, days=31, reason="复杂", actor=secretary)
    with pytest.raises(ValidationError):
        actions.extend_petition(petition=petition, days=10, reason=" ", actor=secretary)
    petition.refresh_from_db()
    assert petition.due_on == before
    petition = actions.extend_petition(
        petition=petition, days=30, reason="涉及多个部门", actor=secretary
    )
    assert petition.due_on == D(2026, 12, 24)
    with pytest.raises(ValidationError, match="只能延长一次"):
        actions.extend_petition(petition=petition, days=5, reason="again", actor=secretary)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("description", {"description": "太短"}),
        ("reporter_id_number", {"reporter_id_number": "360426199101010072"}),
        ("reporter_phone", {"reporter_phone": "12345"}),
        ("reporter_name", {"reporter_name": " "}),
        ("subject_text", {"subject_person": None}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, field: str, overrides: dict
) -> None:  # type: ignore[type-arg]
    commissions(cast)
    data = named_accusation(cast)
    data.update(overrides)
    with pytest.raises(ValidationError) as caught:
        actions.submit_petition(**data)  # type: ignore[arg-type]
    assert field in caught.value.message_dict
    assert not Petition.objects.exists()


def test_a_repeat_from_the_same_named_petitioner_is_linked_not_double_counted(cast: Cast) -> None:
    commissions(cast)
    data = named_accusation(cast)
    first = actions.submit_petition(**data).petition  # type: ignore[arg-type]
    second = actions.submit_petition(**data).petition  # type: ignore[arg-type]
    assert second.repeat_of == first
    other = actions.submit_petition(
        **{**data, "subject_person": None, "subject_text": "镇财政所"}
    ).petition  # type: ignore[arg-type]
    assert other.repeat_of is None


def test_an_anonymous_follow_up_with_its_receipt_is_linked(
    accusation: actions.Submitted, cast: Cast
) -> None:
    again = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_person=cast.cadre_resident,
        description="补充：还有危房改造款也被截留。",
        earlier_receipt=accusation.receipt.text,
    )
    assert again.petition.repeat_of == accusation.petition


def test_a_report_about_the_town_commission_goes_to_the_county(cast: Cast) -> None:
    from lianyun.people.models import Post

    county_unit, town_unit = commissions(cast)
    Post.objects.create(
        unit=town_unit, holder=cast.cadre_resident, title="书记", start=D(2021, 1, 1)
    )
    petition = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_person=cast.cadre_resident,
        description="镇纪委书记收受礼金。",
    ).petition
    assert petition.handling_unit == county_unit
    assert not visible_petitions(cast.town_secretary.user).filter(pk=petition.pk).exists()
    assert visible_petitions(cast.county_inspector.user).filter(pk=petition.pk).exists()


def test_an_accepted_repeat_shares_the_first_petitions_lead(cast: Cast) -> None:
    commissions(cast)
    data = named_accusation(cast)
    first = actions.submit_petition(**data).petition  # type: ignore[arg-type]
    second = actions.submit_petition(**data).petition  # type: ignore[arg-type]
    handler = cast.town_secretary.user
    actions.accept_petition(petition=first, actor=handler)
    actions.accept_petition(petition=second, actor=handler)
    assert second.lead == first.lead
    from lianyun.cases.models import Lead

    assert Lead.objects.count() == 1
