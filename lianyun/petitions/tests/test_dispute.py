"""有异议: a villager disputes one of their own payouts from the lookup."""

from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.ledger.models import Payout
from lianyun.petitions.models import Petition
from lianyun.testing import CARD, pow_field


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
