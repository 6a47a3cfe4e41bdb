import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from lianyun.portal.functions import FUNCTIONS
from lianyun.testing import Cast

pytestmark = pytest.mark.django_db

SEVEN = ["宣传教育", "民意测评", "信访举报", "政务公开", "阳光问廉", "云端话廉", "云考堂"]


def test_the_home_page_lists_the_seven_functions_in_chinese(client: Client) -> None:
    page = client.get("/").content.decode()
    for title in SEVEN:
        assert title in page
    assert "村居巡检" not in page  # officials only
    unavailable = [f for f in FUNCTIONS if not f.available and not f.officials_only]
    assert page.count("即将上线") == len(unavailable)


def test_officials_also_see_village_inspection(client: Client, cast: Cast) -> None:
    client.force_login(cast.town_secretary.user)
    assert "村居巡检" in client.get("/").content.decode()


def test_every_function_page_says_plainly_whether_it_works(client: Client) -> None:
    for function in FUNCTIONS:
        response = client.get(reverse("portal:function-detail", args=[function.code]))
        if function.available:
            assert response.status_code == 302
            assert response["Location"] == reverse(function.url_name)
        else:
            assert "尚未开通" in response.content.decode()
    assert client.get(reverse("portal:function-detail", args=["nothing"])).status_code == 404


def test_the_language_switch_turns_the_site_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Petitions and reports" in page
    assert '<html lang="en">' in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "信访举报" in client.get("/").content.decode()


def test_the_manifest_makes_the_site_installable(client: Client) -> None:
    response = client.get(reverse("portal:manifest"))
    data = json.loads(response.content)
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/")


def test_the_service_worker_is_served_from_the_root(client: Client) -> None:
    response = client.get(reverse("portal:service-worker"))
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "caches.open" in body
    assert "/offline/" in body


def test_no_page_loads_anything_from_elsewhere(client: Client, cast: Cast) -> None:
    pages = [
        "/",
        reverse("accounts:login"),
        reverse("portal:offline"),
        reverse("portal:function-detail", args=["ledger"]),
    ]
    client.force_login(cast.county_inspector.user)
    pages += [
        reverse("workspace:home"),
        reverse("workspace:region-detail", args=[cast.town_a.code]),
    ]
    for path in pages:
        page = client.get(path).content.decode()
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', page):
            assert not re.match(r"^(https?:)?//", url), (path, url)


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "'nonce-" in policy
