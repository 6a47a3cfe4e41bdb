import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.accounts.actions import create_account
from lianyun.core.roles import Role
from lianyun.petitions import actions
from lianyun.petitions.models import Petition, PetitionKind
from lianyun.petitions.queries import monthly_statistics
from lianyun.testing import Cast, commissions, named_accusation

D = datetime.date


def _accusation(cast: Cast, **extra: object) -> Petition:
    data = dict(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_person=cast.cadre_resident,
        description="村支书截留低保金，请查处。",
    )
    data.update(extra)
    return actions.submit_petition(**data).petition  # type: ignore[arg-type]


def test_petitions_are_assigned_in_bulk_but_never_to_someone_recused(cast: Cast) -> None:
    commissions(cast)
    first, second = (
        _accusation(cast),
        _accusation(cast, subject_person=None, subject_text="镇财政所"),
    )
    colleague = create_account(
        username="colleague", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    spouse = create_account(
        username="spouse", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    spouse.resident = cast.relative_resident
    spouse.save()
    client = Client()
    client.force_login(cast.town_secretary.user)
    client.post(
        reverse("petitions:petition-assign"),
        {"petition": [first.pk, second.pk], "assignee": colleague.pk},
    )
    assert set(Petition.objects.values_list("assignee__username", flat=True)) == {"colleague"}
    with pytest.raises(ValidationError):
        actions.assign_petitions(petitions=[first], assignee=spouse, actor=cast.town_secretary.user)
    first.refresh_from_db()
    assert first.assignee == colleague
    mine = Client()
    mine.force_login(colleague)
    page = mine.get(reverse("petitions:petition-list") + "?mine=1").content.decode()
    assert first.number in page


def test_overdue_and_escalated_filters(cast: Cast) -> None:
    commissions(cast)
    old = actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=True,
        subject_text="村道",
        description="村道塌方三个月无人修理。",
        today=D(2025, 1, 6),
    ).petition
    fresh = _accusation(cast)
    client = Client()
    client.force_login(cast.county_inspector.user)
    black = client.get(reverse("petitions:petition-list") + "?light=black").content.decode()
    assert old.number in black and fresh.number not in black


def test_public_statistics_count_finished_months_only_and_repeats_once(
    client: Client, cast: Cast
) -> None:
    commissions(cast)
    data = named_accusation(cast, today=D(2026, 10, 9))
    actions.submit_petition(**data)  # type: ignore[arg-type]
    actions.submit_petition(**data)  # type: ignore[arg-type]  # a repeat
    actions.submit_petition(**{**data, "today": D(2026, 11, 2)})  # type: ignore[arg-type]  # this month
    rows = monthly_statistics(today=D(2026, 11, 27))
    assert [(r.town, r.month, r.received, r.accusations) for r in rows] == [
        (cast.town_a, "2026-10", 1, 1)
    ]
    page = client.get(reverse("petitions:petition-statistics")).content.decode()
    assert "袁" not in page and "彭" not in page
    assert "<th>收到件数</th>" in page and "收到日期" not in page  # a count, not a date


def test_a_named_accusers_feedback_is_due_15_working_days_after_the_lead_concludes(
    cast: Cast,
) -> None:
    from lianyun.cases.actions import conclude_lead, dispose_lead
    from lianyun.cases.models import Disposition
    from lianyun.petitions.queries import deadline_of

    commissions(cast)
    petition = actions.submit_petition(**named_accusation(cast, today=D(2026, 9, 1))).petition  # type: ignore[arg-type]
    assert petition.notice_due == D(2026, 9, 21)  # 15 working days, Sunday 20 Sep worked
    actions.accept_petition(petition=petition, actor=cast.town_secretary.user, today=D(2026, 9, 2))
    assert petition.lead is not None
    dispose_lead(
        lead=petition.lead,
        disposition=Disposition.PRELIMINARY_CHECK,
        reason="核实",
        actor=cast.town_secretary.user,
        today=D(2026, 9, 5),
    )
    conclude_lead(
        lead=petition.lead, conclusion="属实", actor=cast.town_secretary.user, today=D(2026, 9, 25)
    )
    petition.refresh_from_db()
    deadline = deadline_of(petition)
    assert deadline is not None
    assert deadline.due == D(2026, 10, 22)  # 15 working days after 25 Sep, across National Day


def test_very_late_petitions_are_escalated_once_to_the_county(cast: Cast) -> None:
    from lianyun.accounts.models import Notification

    commissions(cast)
    late = actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=True,
        subject_text="村道",
        description="村道塌方三个月无人修理。",
        today=D(2026, 1, 5),
    ).petition
    Notification.objects.all().delete()
    assert actions.escalate_overdue(today=D(2026, 3, 1)) == 1
    assert actions.escalate_overdue(today=D(2026, 3, 2)) == 0
    assert list(Notification.objects.values_list("user__username", flat=True)) == [
        "county_inspector"
    ]
    late.refresh_from_db()
    assert late.escalated_on == D(2026, 3, 1)


def test_a_villager_with_an_account_follows_a_named_petition_without_the_receipt(
    cast: Cast,
) -> None:
    commissions(cast)
    mine = actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=False,
        subject_text="村道",
        description="村道塌方三个月无人修理。",
        reporter_name="彭运芳",
        reporter_phone="13812345678",
        reporter_id_number="360426199101010071",
        account=cast.villager.user,
    ).petition
    other = actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=True,
        subject_text="村道",
        description="别人的信访件，与我无关。",
    ).petition
    client = Client()
    client.force_login(cast.villager.user)
    page = client.get(reverse("petitions:petition-mine")).content.decode()
    assert mine.number in page and other.number not in page
    assert (
        client.post(reverse("petitions:petition-mine"), {"petition": other.pk}).status_code == 404
    )
    client.post(reverse("petitions:petition-mine"), {"petition": mine.pk})
    assert mine.number in client.get(reverse("petitions:petition-tracked")).content.decode()
