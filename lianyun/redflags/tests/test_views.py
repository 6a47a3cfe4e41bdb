"""The review pages: the town commission sees only its town's flags, the county all, a village
cadre none (only the question asked of the village); confirming on the page opens a lead."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from lianyun.cases.models import Lead
from lianyun.ledger.actions import import_payouts
from lianyun.redflags import actions
from lianyun.redflags.models import Flag
from lianyun.redflags.tests.test_crosscheck import Ledger
from lianyun.testing import Cast

TOWN_B_VILLAGE = "511923102201"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _two_towns() -> tuple[Flag, Flag]:
    led = Ledger()
    for village in ("511923103201", TOWN_B_VILLAGE):
        person = led.person()
        led.pay(person, village=village)
        led.pay(person, village=village, account="6217000011112222" + village[-1])
    import_payouts(data=led.csv(led.rows), source="cli")
    actions.crosscheck(rule_names=["duplicate_payout"])
    a = Flag.objects.get(village__code="511923103201")
    b = Flag.objects.get(village__code=TOWN_B_VILLAGE)
    return a, b


def test_each_commission_sees_its_own_town_and_a_village_cadre_none(
    county: Cast, time_machine: Any
) -> None:
    # The risk page shows this year to date: the payouts are of March 2026.
    time_machine.move_to(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC))
    a, b = _two_towns()
    town = _client(county.town_secretary.user)
    listed = town.get(reverse("redflags:flag-list")).content.decode()
    assert reverse("redflags:flag-detail", args=[a.pk]) in listed
    assert reverse("redflags:flag-detail", args=[b.pk]) not in listed
    assert town.get(reverse("redflags:flag-detail", args=[b.pk])).status_code == 404
    outsider = _client(county.outsider.user)
    assert outsider.get(reverse("redflags:flag-detail", args=[a.pk])).status_code == 404
    assert outsider.get(reverse("redflags:flag-detail", args=[b.pk])).status_code == 200
    county_page = _client(county.county_inspector.user).get(reverse("redflags:flag-list"))
    assert county_page.content.decode().count('data-test="flag"') == 2
    for user in (county.village_cadre.user, county.villager.user):
        client = _client(user)
        assert client.get(reverse("redflags:flag-list")).status_code == 404
        assert client.get(reverse("redflags:flag-detail", args=[a.pk])).status_code == 404
        assert client.get(reverse("redflags:risk")).status_code == 404
    risk = town.get(reverse("redflags:risk")).content.decode()
    assert 'data-test="village"' in risk and "三官寨村" in risk and "黄柳村" not in risk


def test_the_village_answers_the_question_and_the_commission_confirms(county: Cast) -> None:
    a, _b = _two_towns()
    town = _client(county.town_secretary.user)
    cadre = _client(county.village_cadre.user)
    request_page = reverse("redflags:request-detail", args=[a.pk])
    assert cadre.get(request_page).status_code == 404  # nothing asked yet
    town.post(
        reverse("redflags:flag-ask", args=[a.pk]),
        {"question": "请说明同一人三月两次发放的原因", "due": "2099-01-01"},
    )
    shown = cadre.get(request_page).content.decode()
    assert "请说明同一人三月两次发放的原因" in shown
    assert "duplicate" not in shown and "重复" not in shown  # the question, never the flag
    cadre.post(request_page, {"explanation": "系统重复推送，已申请退回"})
    detail = town.get(reverse("redflags:flag-detail", args=[a.pk])).content.decode()
    assert "系统重复推送" in detail
    town.post(reverse("redflags:flag-confirm", args=[a.pk]))
    lead = Lead.objects.get()
    assert (
        lead.source_ref == f"redflags.Flag:{a.pk}"
        and lead.handling_unit.region.code == "511923103000"
    )
    assert Flag.objects.get(pk=a.pk).status == "confirmed"
