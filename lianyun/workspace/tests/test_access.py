"""Every workspace view, for every persona: outsiders are refused like a missing page."""

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from lianyun.testing import Cast, Persona, unsalted
from lianyun.workspace import urls as workspace_urls


def _paths(cast: Cast, region_code: str) -> list[str]:
    paths = []
    for pattern in workspace_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {"code": region_code} if "code" in pattern.pattern.converters else {}
        paths.append(reverse(f"workspace:{pattern.name}", kwargs=kwargs))
    return paths


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_every_workspace_view_sends_anonymous_visitors_to_sign_in(cast: Cast) -> None:
    for path in _paths(cast, cast.village_a1.code):
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:login")), path


def test_every_workspace_view_is_missing_for_a_villager(cast: Cast) -> None:
    """The workspace's home sends a villager to 我的; every other page is missing."""
    client = _client(cast.villager)
    for path in _paths(cast, cast.village_a1.code):
        response = client.get(path)
        if path == reverse("workspace:home"):
            assert response["Location"] == reverse("portal:mine"), path
        else:
            assert response.status_code == 404, path


def test_another_towns_official_sees_none_of_town_a(cast: Cast) -> None:
    client = _client(cast.outsider)
    for code in (cast.town_a.code, cast.village_a1.code, cast.village_a2.code):
        for path in _paths(cast, code):
            if "code" not in path and code not in path:
                continue
            assert client.get(path).status_code == 404, path
    assert "佛楼镇" not in client.get(reverse("workspace:home")).content.decode()


def test_a_foreign_region_answers_like_a_missing_one(cast: Cast) -> None:
    client = _client(cast.outsider)
    foreign = client.get(reverse("workspace:region-detail", args=[cast.town_a.code]))
    missing = client.get(reverse("workspace:region-detail", args=["511923999000"]))
    assert foreign.status_code == missing.status_code == 404
    assert unsalted(foreign.content) == unsalted(missing.content)


@pytest.mark.parametrize("persona", ["town_secretary", "county_inspector"])
def test_officials_see_their_own_scope(cast: Cast, persona: str) -> None:
    client = _client(getattr(cast, persona))
    page = client.get(reverse("workspace:region-detail", args=[cast.village_a1.code]))
    assert page.status_code == 200
    assert "三官寨村" in page.content.decode()


def test_the_town_official_sees_town_a_villages_with_counts(cast: Cast) -> None:
    page = _client(cast.town_secretary).get(reverse("workspace:home")).content.decode()
    assert "三官寨村" in page
    assert "石林村" in page
    assert "黄柳村" not in page


def test_a_village_cadre_cannot_reach_the_neighbouring_village(cast: Cast) -> None:
    client = _client(cast.village_cadre)
    assert (
        client.get(reverse("workspace:region-detail", args=[cast.village_a2.code])).status_code
        == 404
    )
    assert (
        client.get(reverse("workspace:region-detail", args=[cast.village_a1.code])).status_code
        == 200
    )


def test_the_resident_list_masks_names_and_id_numbers(cast: Cast) -> None:
    page = (
        _client(cast.town_secretary)
        .get(reverse("workspace:resident-list", args=[cast.village_a1.code]))
        .content.decode()
    )
    assert "袁*国" in page
    assert "袁建国" not in page
    for number in cast.residents:
        assert number not in page
    assert page.count("****************") >= 2
