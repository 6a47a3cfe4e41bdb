"""有异议: a villager disputes one of their own payouts from the lookup."""

from http.cookies import SimpleCookie

from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.models import Payout
from lianyun.petitions.actions import submit_petition
from lianyun.petitions.models import Petition
from lianyun.testing import (
    CARD,
    Cast,
    named_accusation,
    payout_csv,
    payout_rows,
    pow_field,
    refused_in_sql,
    run_sql,
)


def test_a_disputed_payout_becomes_a_petition_in_the_town_queue(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    number, resident = person
    client.post(
        reverse("ledger:payout-lookup"),
        {
            "name": "袁建国",
            "id_number": number,
            "card_number": CARD,
            "year": "2026",
            **pow_field("lookup"),
        },
    )
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    form = client.post(reverse("petitions:payout-dispute", args=[payout.pk]))
    assert "理由" in form.content.decode()
    receipt_page = client.post(
        reverse("petitions:payout-dispute", args=[payout.pk]),
        {"reason": "九月的低保少发了一百元。"},
        follow=True,
    ).content.decode()
    assert 'data-test="receipt"' in receipt_page
    petition = Petition.objects.get(payout=payout)
    handler = Client()
    handler.force_login(User.objects.get(username="town_secretary"))
    queue = handler.get(reverse("petitions:petition-list")).content.decode()
    assert petition.number in queue


def test_nobody_else_can_dispute_someone_elses_payout(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    _, resident = person
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    assert (
        client.post(
            reverse("petitions:payout-dispute", args=[payout.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_a_dispute_pointing_nowhere_is_refused_and_a_disputed_payout_stays(
    county: Cast,
) -> None:
    import_payouts(data=payout_csv(payout_rows(1)), source="cli")
    payout = Payout.objects.get()
    petition = submit_petition(**named_accusation(county)).petition  # type: ignore[arg-type]
    point = "UPDATE petitions_petition SET payout_id = %s WHERE id = %s"
    refused_in_sql(lambda: run_sql(point, [987654321, petition.pk]))
    run_sql(point, [payout.pk, petition.pk])
    refused_in_sql(lambda: run_sql("DELETE FROM ledger_payout WHERE id = %s", [payout.pk]))
    assert Payout.objects.filter(pk=payout.pk).exists()


def test_a_double_tap_shows_the_receipt_though_the_first_answer_is_lost(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    """A double tap sends the form twice and the browser keeps only the second answer. The
    session that will hold the receipt is opened with the form, so the second tap, sent with
    the same cookie, is shown the receipt the first one filed."""
    number, resident = person
    client.post(
        reverse("ledger:payout-lookup"),
        {
            "name": "袁建国",
            "id_number": number,
            "card_number": CARD,
            "year": "2026",
            **pow_field("lookup"),
        },
    )
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    url = reverse("petitions:payout-dispute", args=[payout.pk])
    client.post(url)  # the statement's button: the form
    sent = {"reason": "九月的低保少发了一百元。", "_once": "k" * 43}
    first, second = Client(), Client()
    for tap in (first, second):
        tap.cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    assert first.post(url, sent).status_code == 302
    again = second.post(url, sent)
    assert again.status_code == 302 and again["Location"] == reverse("petitions:petition-receipt")
    shown = second.get(again["Location"]).content.decode()
    assert 'data-test="receipt"' in shown
    assert Petition.objects.filter(payout=payout).count() == 1
