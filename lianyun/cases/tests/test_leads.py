import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lianyun.cases import actions
from lianyun.cases.models import Disposition, LeadStatus, OutcomeKind, SanctionLevel, SourceKind
from lianyun.regions.models import Unit, UnitKind
from lianyun.testing import Cast, commissions

D = datetime.date


@pytest.fixture
def lead(cast: Cast):  # type: ignore[no-untyped-def]
    _county, town = commissions(cast)
    return actions.open_lead(
        source_kind=SourceKind.INSPECTION,
        source_ref="visit:1",
        region=cast.village_a1,
        handling_unit=town,
        summary="账目不清",
        subjects=[cast.cadre_resident],
    )


def test_a_talk_or_letter_disposition_sets_the_15_working_day_reply(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    actions.dispose_lead(
        lead=lead,
        disposition=Disposition.TALK_OR_LETTER,
        reason="苗头性问题",
        actor=cast.town_secretary.user,
        today=D(2026, 9, 30),
    )
    assert lead.reply_due == D(2026, 10, 27)  # across the National Day holiday


def test_a_shelved_lead_needs_a_future_review_date(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        actions.dispose_lead(
            lead=lead,
            disposition=Disposition.SHELVE,
            reason="线索不足",
            actor=cast.town_secretary.user,
            today=D(2026, 9, 30),
        )
    actions.dispose_lead(
        lead=lead,
        disposition=Disposition.SHELVE,
        reason="线索不足",
        review_on=D(2027, 3, 1),
        actor=cast.town_secretary.user,
        today=D(2026, 9, 30),
    )
    assert lead.status == LeadStatus.DISPOSED


def test_a_village_cadre_gets_only_the_three_lightest_state_sanctions(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    actor = cast.town_secretary.user
    actions.dispose_lead(
        lead=lead, disposition=Disposition.PRELIMINARY_CHECK, reason="核实", actor=actor
    )
    for level in (
        SanctionLevel.DEMOTION,
        SanctionLevel.DISMISSAL_FROM_POST,
        SanctionLevel.EXPULSION,
    ):
        with pytest.raises(ValidationError, match="第二十二条"):
            actions.record_outcome(
                lead=lead,
                kind=OutcomeKind.STATE_SANCTION,
                person=cast.cadre_resident,
                level=level,
                actor=actor,
            )
    for level in (SanctionLevel.WARNING, SanctionLevel.DEMERIT, SanctionLevel.MAJOR_DEMERIT):
        actions.record_outcome(
            lead=lead,
            kind=OutcomeKind.STATE_SANCTION,
            person=cast.cadre_resident,
            level=level,
            actor=actor,
        )
    # A party sanction is a different scale and is not limited by art. 22.
    actions.record_outcome(
        lead=lead,
        kind=OutcomeKind.PARTY_SANCTION,
        person=cast.cadre_resident,
        level=SanctionLevel.PARTY_PROBATION,
        actor=actor,
    )


def test_someone_without_a_village_post_may_be_demoted(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    actor = cast.town_secretary.user
    actions.dispose_lead(
        lead=lead, disposition=Disposition.PRELIMINARY_CHECK, reason="核实", actor=actor
    )
    official = next(r for r in cast.residents.values() if r.name == "冯用武")
    actions.record_outcome(
        lead=lead,
        kind=OutcomeKind.STATE_SANCTION,
        person=official,
        level=SanctionLevel.DEMOTION,
        actor=actor,
    )


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        (OutcomeKind.FUNDS_RETURNED, {}),
        (OutcomeKind.STATE_SANCTION, {"level": SanctionLevel.WARNING}),
        (OutcomeKind.PARTY_SANCTION, {"person": "cadre", "level": SanctionLevel.WARNING}),
    ],
)
def test_incomplete_outcomes_are_refused(cast: Cast, lead, kind: str, extra: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    actor = cast.town_secretary.user
    actions.dispose_lead(
        lead=lead, disposition=Disposition.PRELIMINARY_CHECK, reason="核实", actor=actor
    )
    if extra.get("person") == "cadre":
        extra = {**extra, "person": cast.cadre_resident}
    with pytest.raises(ValidationError):
        actions.record_outcome(lead=lead, kind=kind, actor=actor, **extra)
    assert not lead.outcomes.exists()


def test_outcomes_wait_for_a_disposition_and_conclusion_closes_the_lead(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    actor = cast.town_secretary.user
    with pytest.raises(ValidationError):
        actions.record_outcome(
            lead=lead, kind=OutcomeKind.FUNDS_RECOVERED, amount=Decimal("100"), actor=actor
        )
    actions.dispose_lead(
        lead=lead, disposition=Disposition.PRELIMINARY_CHECK, reason="核实", actor=actor
    )
    actions.record_outcome(
        lead=lead, kind=OutcomeKind.FUNDS_RECOVERED, amount=Decimal("100"), actor=actor
    )
    actions.conclude_lead(
        lead=lead, conclusion="核实属实，已追缴", actor=actor, today=D(2026, 11, 1)
    )
    assert lead.status == LeadStatus.CONCLUDED
    assert Unit.objects.filter(kind=UnitKind.COMMISSION).count() == 3


def test_the_money_involved_is_recorded_at_disposition(cast: Cast, lead) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        actions.dispose_lead(
            lead=lead,
            disposition=Disposition.PRELIMINARY_CHECK,
            reason="核实",
            amount_involved=Decimal("-1"),
            actor=cast.town_secretary.user,
        )
    actions.dispose_lead(
        lead=lead,
        disposition=Disposition.PRELIMINARY_CHECK,
        reason="核实",
        amount_involved=Decimal("12500.50"),
        actor=cast.town_secretary.user,
    )
    lead.refresh_from_db()
    assert lead.amount_involved == Decimal("12500.50")
