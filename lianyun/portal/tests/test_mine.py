"""我的: a villager who signs in lands on their own page, which gathers what they filed, what
waits for their answer and what is coming to their village; no route they can reach ends on an
error page of Django's own."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from lianyun.petitions.actions import submit_petition
from lianyun.petitions.models import Petition
from lianyun.testing import PASSWORD, Cast, commissions, load_catalogue

pytestmark = pytest.mark.django_db


def test_a_villager_signs_in_to_mine_and_an_official_to_the_workspace(cast: Cast) -> None:
    villager = Client()
    landed = villager.post(
        reverse("accounts:login"), {"username": "villager", "password": PASSWORD}, follow=True
    )
    assert landed.redirect_chain[-1][0] == reverse("portal:mine")
    assert 'data-test="my-petitions"' in landed.content.decode()
    assert villager.get(reverse("workspace:home"))["Location"] == reverse("portal:mine")
    official = Client()
    official.force_login(cast.town_secretary.user)
    assert official.get(reverse("portal:mine"))["Location"] == reverse("workspace:home")
    assert Client().get(reverse("portal:mine"))["Location"].startswith(reverse("accounts:login"))


def test_mine_lists_the_villagers_petitions_and_what_waits_for_them(cast: Cast) -> None:
    commissions(cast)
    mine = submit_petition(
        kind="request",
        region=cast.village_a1,
        anonymous=True,
        subject_text="村道",
        description="村道塌方三个月无人修理，请尽快处理。",
        account=cast.villager.user,
    ).petition
    others = submit_petition(
        kind="suggestion",
        region=cast.village_a1,
        anonymous=True,
        subject_text="路灯",
        description="路灯坏了很久了，晚上出门不方便。",
    ).petition
    Petition.objects.filter(pk=mine.pk).update(answered_on=timezone.localdate())
    client = Client()
    client.force_login(cast.villager.user)
    page = client.get(reverse("portal:mine")).content.decode()
    assert mine.number in page and others.number not in page
    assert 'data-test="waiting"' in page  # answered, not yet rated


def test_a_missing_page_is_the_apps_own_even_with_debug_on(cast: Cast) -> None:
    with override_settings(DEBUG=True):
        page = Client().get("/no-such-page/")
    body = page.content.decode()
    assert page.status_code == 404 and 'data-test="error-page"' in body
    assert "这个页面不存在" in body and "Page not found at" not in body


def test_no_tile_or_link_of_a_villagers_pages_ends_on_an_error(cast: Cast) -> None:
    load_catalogue(cast)
    client = Client()
    client.force_login(cast.villager.user)
    for url in (reverse("portal:home"), reverse("portal:mine")):
        page = client.get(url)
        assert page.status_code == 200, url
        links = set(re.findall(r'href="(/[^"#]*)"', page.content.decode()))
        for link in sorted(links - {"/manifest.webmanifest"}):
            if link.startswith("/static/"):
                continue
            assert client.get(link, follow=True).status_code == 200, link
