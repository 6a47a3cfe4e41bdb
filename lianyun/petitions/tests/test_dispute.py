"""有异议: a villager disputes one of their own payouts from the lookup."""

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
