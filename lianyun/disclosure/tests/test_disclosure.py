"""三务公开: posting into the chain, no personal numbers, corrections with their difference,
objections as petitions within 5 days, and the towns' view of overdue villages."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from lianyun.core.append_only import drop_guard
from lianyun.disclosure.actions import post_disclosure
from lianyun.disclosure.models import Disclosure, DisclosureKind, Objection
from lianyun.disclosure.queries import cadence, previous_period
from lianyun.petitions.models import Petition
from lianyun.publications.models import Entry, EntryKind
from lianyun.publications.queries import verify_chain
from lianyun.regions.models import Region
from lianyun.testing import Cast, pow_field

BODY = "10月收入：集体土地租金 12,000 元；支出：道路维修 3,500 元，误工补贴 800 元。"


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile("账目.png", out.getvalue())


def _post(cast: Cast, **changes: object) -> Disclosure:
    arguments: dict[str, object] = {
        "village": cast.village_a1,
        "kind": DisclosureKind.FINANCE,
        "period": "2026-10",
        "title": "2026年10月财务收支公开",
        "body": BODY,
        "actor": cast.village_cadre.user,
        **changes,
    }
    return post_disclosure(**arguments)  # type: ignore[arg-type]


def test_a_cadre_posts_a_finance_notice_into_the_publication_chain(county: Cast) -> None:
    client = Client()
    client.force_login(county.village_cadre.user)
    response = client.post(
        reverse("disclosure:disclosure-create", args=[county.village_a1.code]),
        {
            "kind": "finance",
            "period": "2026-10",
            "title": "2026年10月财务收支公开",
            "body": BODY,
            "scans": [_png()],
        },
    )
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    entry = Entry.objects.get(kind=EntryKind.DISCLOSURE)
    assert disclosure.entry == entry
    payload = json.loads(entry.payload)
    assert payload["body"] == BODY and payload["period"] == "2026-10"
    assert payload["files"] == [disclosure.files.get().sha256]
    assert verify_chain() == []
    page = Client().get(reverse("disclosure:disclosure-detail", args=[disclosure.pk]))
    body = page.content.decode()
    assert "误工补贴" in body and 'data-test="matches"' in body and 'data-test="checkpoint"' in body
    download = Client().get(
        reverse("disclosure:disclosure-file", args=[disclosure.pk, disclosure.files.get().pk])
    )
    assert download["Content-Disposition"].startswith("attachment")
    listing = Client().get(reverse("disclosure:disclosure-list", args=[county.village_a1.code]))
    assert "2026年10月财务收支公开" in listing.content.decode()


@pytest.mark.parametrize(
    "number",
    ["511923197003050012", "13800001234", "6217900000000001234"],
)
def test_a_notice_with_a_personal_number_is_refused_and_nothing_is_written(
    county: Cast, number: str
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _post(county, body=BODY + f" 联系人 {number}")
    assert "body" in refused.value.message_dict
    assert not Disclosure.objects.exists() and not Entry.objects.exists()


def test_the_period_must_fit_the_kind(county: Cast) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _post(county, period="2026-Q4")
    assert "YYYY-MM" in " ".join(refused.value.message_dict["period"])
    with pytest.raises(ValidationError):
        _post(county, kind=DisclosureKind.PARTY, period="2026-10")
    assert _post(county, kind=DisclosureKind.PARTY, period="2026-Q4").period == "2026-Q4"
    assert _post(county, kind=DisclosureKind.VILLAGE, major=True, period="x").period == ""


def test_the_database_refuses_to_edit_or_delete_a_posted_notice(county: Cast) -> None:
    disclosure = _post(county)
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).update(body="改过的内容，改过的内容")
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).delete()
    assert Disclosure.objects.get().body == BODY


def test_a_correction_shows_both_versions_and_the_difference(county: Cast) -> None:
    first = _post(county)
    corrected_body = BODY.replace("3,500", "3,200")
    second = _post(county, body=corrected_body, corrects=first)
    assert second.entry.corrects == first.entry
    old_page = Client().get(reverse("disclosure:disclosure-detail", args=[first.pk]))
    assert 'data-test="corrected"' in old_page.content.decode()
    new_page = Client().get(reverse("disclosure:disclosure-detail", args=[second.pk])).content
    text = new_page.decode()
    assert 'data-test="difference"' in text
    assert "3,500" in text and "3,200" in text
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _post(county, body=BODY + " 再改", corrects=first)  # correct the latest, not the first
    assert Disclosure.objects.count() == 2 and verify_chain() == []


def test_an_objection_within_five_days_files_a_petition_in_the_town_queue(
    county: Cast,
    time_machine,  # type: ignore[no-untyped-def]
) -> None:
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC))
    disclosure = _post(county)
    url = reverse("disclosure:disclosure-object", args=[disclosure.pk])
    time_machine.move_to(datetime.datetime(2026, 11, 6, 10, tzinfo=datetime.UTC))
    reason = {"reason": "道路维修只修了一百米，不值三千五百元。"}
    refused = Client().post(url, reason)  # a script that skips the page's proof of work
    assert refused.status_code == 200 and not Objection.objects.exists()
    phone = Client()
    sent = phone.post(url, {**reason, **pow_field("objection")})
    assert sent.status_code == 302  # post/redirect/get: a reload shows the same receipt
    page = phone.get(sent["Location"])
    assert page.status_code == 200 and "receipt" in page.content.decode().lower()
    objection = Objection.objects.get()
    petition = objection.petition
    assert petition.region == county.village_a1 and petition.is_anonymous
    assert disclosure.title in petition.subject_text
    town = Client()
    town.force_login(county.town_secretary.user)
    queue = town.get(reverse("petitions:petition-list")).content.decode()
    assert petition.number in queue
    # Five days end on Saturday 7 November, so the window runs to Monday the 9th.
    assert (
        "2026-11-09"
        in Client()
        .get(reverse("disclosure:disclosure-detail", args=[disclosure.pk]))
        .content.decode()
    )
    time_machine.move_to(datetime.datetime(2026, 11, 10, 10, tzinfo=datetime.UTC))
    late = Client().post(url, {**reason, **pow_field("objection")})
    assert "passed" in late.content.decode() or "已过" in late.content.decode()
    assert Petition.objects.count() == 1
    detail = Client().get(reverse("disclosure:disclosure-detail", args=[disclosure.pk]))
    assert 'data-test="objection"' not in detail.content.decode()


def test_towns_see_which_villages_are_overdue(county: Cast) -> None:
    today = datetime.date(2026, 11, 20)  # after the 15th: October and Q3 are due
    _post(county, period=previous_period("finance", today))
    _post(county, kind=DisclosureKind.PARTY, period=previous_period("party", today))
    _post(county, kind=DisclosureKind.VILLAGE, period=previous_period("village", today))
    villages = Region.objects.filter(parent=county.town_a)
    rows = {row.village.name: row for row in cadence(villages, today)}
    assert not rows["三官寨村"].overdue
    assert [s.overdue for s in rows["石林村"].states] == [True, True, True]
    before_due = {row.village.name: row for row in cadence(villages, datetime.date(2026, 10, 10))}
    assert not before_due["石林村"].overdue  # September and Q3 are due on 15 October
    mid_quarter = {row.village.name: row for row in cadence(villages, datetime.date(2026, 11, 10))}
    assert [s.overdue for s in mid_quarter["石林村"].states] == [True, True, False]
    assert previous_period("finance", today) == "2026-10"
    assert previous_period("party", today) == "2026-Q3"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("town_secretary", 200),
        ("county_inspector", 200),
        ("outsider", 404),
        ("villager", 404),
        ("village_cadre", 404),
    ],
)
def test_the_overdue_overview_is_for_the_commissions_in_scope(
    county: Cast, who: str, status: int
) -> None:
    client = Client()
    client.force_login(getattr(county, who).user)
    assert (
        client.get(reverse("disclosure:disclosure-overview", args=[county.town_a.code])).status_code
        == status
    )


def test_only_the_villages_own_cadre_posts(county: Cast) -> None:
    client = Client()
    client.force_login(county.village_cadre.user)
    other = reverse("disclosure:disclosure-create", args=[county.village_a2.code])
    assert client.get(other).status_code == 404
    for who in ("villager", "town_secretary"):
        someone = Client()
        someone.force_login(getattr(county, who).user)
        url = reverse("disclosure:disclosure-create", args=[county.village_a1.code])
        assert someone.get(url).status_code == 404


def test_the_printed_notice_leads_back_to_the_page_and_names_its_record(county: Cast) -> None:
    from lianyun.core.qr import qr_svg

    disclosure = _post(county)
    page = Client().get(reverse("disclosure:disclosure-print", args=[disclosure.pk])).content
    text = page.decode()
    url = f"http://testserver/disclosures/notices/{disclosure.pk}/"
    assert f'data-url="{url}"' in text and qr_svg(url) in text
    assert "误工补贴" in text and 'data-test="checkpoint"' in text
    assert str(disclosure.entry.index) in text


def test_a_published_disclosure_edited_in_its_own_table_is_reported(county: Cast) -> None:
    disclosure = post_disclosure(
        village=county.village_a1,
        kind=DisclosureKind.FINANCE,
        period="2026-10",
        title="2026年10月财务收支公开",
        body="收入 12,000 元；支出 3,500 元。",
        actor=county.village_cadre.user,
        today=datetime.date(2026, 11, 2),
    )
    assert verify_chain() == []
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, "disclosure_disclosure")
    Disclosure.objects.filter(pk=disclosure.pk).update(body="收入 12,000 元；支出 35 元。")
    problems = verify_chain()
    assert [p.where for p in problems] == [f"disclosure {disclosure.pk}"]
    with pytest.raises(CommandError):
        call_command("verify_publications")
