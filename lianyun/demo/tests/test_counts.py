"""The grouped counts the county reads equal a count made by hand, row by row, on the demo
county (loaded at a pinned clock, so the data set is fixed)."""

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.cases.access import visible_leads, visible_rectifications
from lianyun.cases.models import Outcome
from lianyun.cases.queries import counters
from lianyun.dashboard import public
from lianyun.demo.tests.conftest import CLOCK
from lianyun.people.models import Household, Resident
from lianyun.redflags import queries as flag_queries
from lianyun.redflags.access import visible_flags
from lianyun.redflags.actions import rule_name
from lianyun.redflags.models import Flag
from lianyun.regions.models import Region
from lianyun.surveys.models import Invitation, Response, Survey
from lianyun.surveys.queries import participation, social_index, town_populations
from lianyun.workspace.queries import child_rows

pytestmark = pytest.mark.django_db


def test_the_rule_filter_counts_each_rules_flags(demo: None) -> None:
    county = User.objects.get(username="county")
    client = Client()
    client.force_login(county)
    page = client.get(reverse("redflags:flag-list")).content.decode()
    by_hand = Counter(f.rule for f in Flag.objects.filter(status="open"))
    assert len(by_hand) > 3 and max(by_hand.values()) > 1
    for rule, n in by_hand.items():
        assert f"{rule_name(rule)} ({n})" in page
    # The queryset the view hands over is ordered by the model (stake, key): still one row a rule.
    totals = flag_queries.by_rule(visible_flags(county).filter(status="open"))
    assert {rule: n for rule, (n, _stake) in totals.items()} == dict(by_hand)
    assert {rule: stake for rule, (_n, stake) in totals.items()} == {
        rule: sum((f.stake for f in Flag.objects.filter(rule=rule, status="open")), Decimal(0))
        for rule in by_hand
    }


def test_the_heat_map_adds_up_to_the_live_flags(demo: None) -> None:
    county = User.objects.get(username="county")
    flags = visible_flags(county)
    heat = flag_queries.heat(flags, datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
    live = [f for f in Flag.objects.filter(status__in=flag_queries.LIVE)]
    by_hand = Counter((f.village.parent_id, f.item.code if f.item else "") for f in live)
    assert {k: n for k, (n, _s) in heat.cells.items()} == dict(by_hand)


def test_region_rows_count_residents_and_households(demo: None) -> None:
    county = Region.objects.get(kind="county")
    for row in child_rows(county):
        prefix = row.region.code[:9]
        assert row.residents == Resident.objects.filter(village__code__startswith=prefix).count()
        assert row.households == Household.objects.filter(village__code__startswith=prefix).count()


def test_survey_counts_match_the_rows(demo: None) -> None:
    county = Region.objects.get(kind="county")
    survey = Survey.objects.filter(kind="social_evaluation").order_by("-year").first()
    assert survey is not None
    invited = Counter(i.town_id for i in Invitation.objects.filter(survey=survey))
    for town, n_invited, *_rest in participation(survey):
        assert n_invited == invited[town.pk]
    index = social_index(survey)
    responses = Counter(r.target.area_id for r in Response.objects.filter(survey=survey))
    assert {t.town.pk: t.responses for t in index.towns} == dict(responses)
    populations = Counter(
        r.village.parent_id for r in Resident.objects.filter(death_date__isnull=True)
    )
    assert town_populations(county) == dict(populations)


def test_case_counters_and_the_public_monthly_figures(demo: None) -> None:
    county = User.objects.get(username="county")
    figures = counters(visible_leads(county), visible_rectifications(county))
    sanctions = Outcome.objects.filter(kind__in=["party_sanction", "state_sanction"])
    assert figures.people_sanctioned == len({o.person_id for o in sanctions})
    with time_machine.travel(CLOCK, tick=False):
        rows = public.monthly()
        registered = Counter(
            (i.region.code[:9], f"{i.created_at.astimezone(CLOCK.tzinfo):%Y-%m}")
            for i in public.public_rectifications()
        )
    shown = {(r.town.code[:9], r.month): r.values["items_registered"] for r in rows}
    for key, n in shown.items():
        if n is not None:  # small figures are suppressed on the public page
            assert n == registered[key], key
    assert sum(n for n in shown.values() if n) > 0
    assert re.fullmatch(r"\d{4}-\d{2}", rows[0].month)
