import datetime
import hashlib
import os

import pytest
from django.core.management import CommandError, call_command

from lianyun.accounts.models import OFFICIAL_ROLES, User
from lianyun.core.roles import Role
from lianyun.demo.actions import DemoError, load_demo
from lianyun.demo.county import NAMED_VILLAGES, TOWNS
from lianyun.inspections.models import InspectionGroup, MonthlyReport, TownSummary, Visit
from lianyun.inspections.queries import assess
from lianyun.people.models import Cadre, Household, Relative, Resident
from lianyun.redflags.models import Flag
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.models import BallotToken, PendingBallot
from lianyun.surveys.queries import index_history
from lianyun.testing import pow_field

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _fingerprint() -> str:
    rows = Resident.objects.order_by("pk").values_list(
        "name", "id_number_index", "birth_date", "village__code"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_the_reference_data_has_pingchangs_31_towns() -> None:
    assert len(TOWNS) == 31
    assert len({code for code, _ in TOWNS}) == 31
    assert sum(1 for code, _ in TOWNS if code[6] == "0") == 3  # 街道
    assert all(code.startswith("511923") for code, _ in TOWNS)


def test_the_same_seed_gives_the_same_county() -> None:
    load_demo(seed=5, scale="small")
    first = _fingerprint()
    load_demo(seed=5, scale="small", reset=True)
    assert _fingerprint() == first
    load_demo(seed=6, scale="small", reset=True)
    assert _fingerprint() != first


def test_the_small_county_holds_the_articles_villages_and_everyone_needed() -> None:
    summary = load_demo(seed=1, scale="small")
    for code, name in NAMED_VILLAGES.items():
        assert Region.objects.get(code=code).name == name
    assert Household.objects.filter(head__isnull=True).count() == 0
    assert Cadre.objects.count() == summary.county.posts
    assert Relative.objects.exists()
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for user in User.objects.filter(role__in=OFFICIAL_ROLES):
        assert user.totp_secret_encrypted
    # A year of village inspection in every town (loaded with the same county: one load).
    towns = Region.objects.filter(kind=RegionKind.TOWN).count()
    assert InspectionGroup.objects.count() == 2 * towns
    assert MonthlyReport.objects.count() == 2 * towns * 12
    assert TownSummary.objects.count() == towns * 12
    assert len(set(Visit.objects.values_list("visited_on__month", flat=True))) == 12
    group = InspectionGroup.objects.get(members__user__username="inspector")
    assert group.villages.filter(expenditures__isnull=False).exists()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the standard county is loaded on SQLite (make demo's database); on PostgreSQL the "
    "small county is loaded here and by the multi-server journeys, to keep make test short",
)
def test_the_standard_scale_covers_the_whole_county(time_machine) -> None:  # type: ignore[no-untyped-def]
    # Pinned to the morning this test first failed (Beijing, 5 December 2026); that the story
    # is the same on any day is test_any_day's.
    time_machine.move_to(datetime.datetime(2026, 12, 5, 6, 40, tzinfo=SHANGHAI), tick=False)
    summary = load_demo(seed=2020, scale="standard")
    assert Region.objects.filter(kind=RegionKind.TOWN).count() == 31
    assert summary.county.residents > 20_000
    # Two closed years of the social evaluation survey: every town ranked, each year's sample
    # the docs/domain.md quota (200 below 20万) answered by about 85%.
    latest, previous = index_history(summary.county.county)
    assert latest.survey.year == previous.survey.year + 1
    assert [t.rank for t in latest.towns] == list(range(1, 32))
    assert all(150 <= t.responses <= 200 for t in latest.towns)
    assert all(t.previous is not None for t in latest.towns)
    assert latest.index is not None and 50 < latest.index < 100
    # The county's assessment of towns counts it.
    town = latest.towns[0].town
    survey_measure = assess(
        town, latest.survey.opens_on, latest.survey.closes_on, only="surveys"
    ).measures[0]
    assert survey_measure.percent == latest.towns[0].index
    # An open opinion survey with answers still sealed in the pool, and paper ballots.
    assert PendingBallot.objects.exists() and BallotToken.objects.filter(used=False).exists()
    # The ledger's planted problems are flagged with their money at stake; one confirmed is a
    # lead, one dismissed, one village asked to explain.
    rules = set(Flag.objects.values_list("rule", flat=True))
    assert {"deceased_paid", "duplicate_payout", "shared_account", "short_paid"} <= rules
    assert all(f.stake > 0 for f in Flag.objects.all())
    confirmed = Flag.objects.get(status="confirmed")
    assert (
        confirmed.lead is not None and confirmed.lead.source_ref == f"redflags.Flag:{confirmed.pk}"
    )
    assert Flag.objects.filter(status="dismissed").count() == 1
    assert Flag.objects.filter(status="asked").count() == 1


def test_a_second_load_refuses_without_reset(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo", scale="small", no_progress=True)
    before = Resident.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", scale="small", no_progress=True)
    assert "--reset" in str(caught.value)
    assert "数据库中已有县域数据" in str(caught.value)
    assert "already holds a county" in str(caught.value)
    assert Resident.objects.count() == before


def test_an_unknown_scale_is_refused() -> None:
    with pytest.raises(DemoError):
        load_demo(seed=1, scale="province")
    assert not Region.objects.exists()


def test_the_demo_has_cases_the_accused_cadre_cannot_see() -> None:
    from lianyun.cases.access import visible_leads, visible_rectifications
    from lianyun.cases.queries import counters
    from lianyun.petitions.access import visible_petitions
    from lianyun.petitions.models import Petition

    load_demo(seed=1, scale="small")
    county, town, cadre = (User.objects.get(username=name) for name in ("county", "town", "cadre"))
    accusation = Petition.objects.get(subject_person=cadre.resident)
    assert visible_petitions(town).filter(pk=accusation.pk).exists()
    assert not visible_petitions(cadre).exists()
    assert not visible_leads(cadre).exists()
    figures = counters(visible_leads(county), visible_rectifications(county))
    assert figures.leads >= 1
    assert figures.funds_returned > 0
    assert figures.people_sanctioned == 1


def test_the_demo_payouts_answer_the_printed_lookup(client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    summary = load_demo(seed=1, scale="small")
    assert summary.payouts > 0
    assert summary.lookup is not None
    name, number, card = summary.lookup
    page = client.post(
        reverse("ledger:payout-lookup"),
        {
            "name": name,
            "id_number": number,
            "card_number": card,
            "year": "2026",
            **pow_field("lookup"),
        },
        follow=True,
    ).content.decode()
    assert 'data-test="statement"' in page


def test_the_demo_town_posts_its_public_affairs_with_one_correction(time_machine) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    time_machine.move_to(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC))  # after the 15th

    from lianyun.disclosure.models import Disclosure
    from lianyun.disclosure.queries import cadence
    from lianyun.publications.queries import verify_chain

    load_demo(seed=1, scale="small")
    town = Region.objects.get(code="511923103000")
    villages = Region.objects.filter(parent=town, kind=RegionKind.VILLAGE)
    assert Disclosure.objects.filter(corrects__isnull=False).count() == 1
    rows = cadence(villages, timezone.localdate())
    cadre_village = User.objects.get(username="cadre").region
    assert not next(r for r in rows if r.village == cadre_village).overdue
    if villages.count() > 2:
        assert any(r.overdue for r in rows)
    assert verify_chain() == []
