"""S7: a person's payouts behind a second factor; enumeration limits; disputes reach the town."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lianyun.core.models import AuditEntry
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.models import Payout
from lianyun.ledger.tests.test_import import _csv, _rows, county  # noqa: F401 - the fixture
from lianyun.petitions.models import Petition
from lianyun.testing import Cast, commissions

URL = reverse("ledger:payout-lookup")
CARD = "S12345678"


@pytest.fixture
def person(county: Cast):  # type: ignore[no-untyped-def]  # noqa: F811
    commissions(county)
    number, resident = next((n, r) for n, r in county.residents.items() if r.name == "袁建国")
    resident.set_card_number(CARD)
    resident.save()
    rows = _rows(4)
    for row in rows[:3]:
        row[1], row[2] = number, "袁建国"
    rows[1][4] = "202609"
    import_payouts(data=_csv(rows), source="cli")
    return number, resident


def _ask(
    client: Client, number: str, *, name: str = "袁建国", card: str = CARD, year: str = "2026"
):  # type: ignore[no-untyped-def]
    return client.post(URL, {"name": name, "id_number": number, "card_number": card, "year": year})


def _body(response) -> str:  # type: ignore[no-untyped-def]
    text = response.content.decode()
    text = text[text.index("<main>") : text.index("</main>")]
    return text.split('name="csrfmiddlewaretoken"')[0]


def test_the_person_sees_their_years_payouts_with_the_total(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    number, resident = person
    page = _ask(client, number).content.decode()
    assert page.count('data-test="dispute"') == 3
    payouts = Payout.objects.filter(resident=resident)
    assert str(sum(p.amount for p in payouts)) in page
    assert number not in page
    assert (
        AuditEntry.objects.filter(action="lookup:payouts", object_id=str(resident.pk)).count() == 1
    )


def test_unknown_person_wrong_card_and_wrong_name_answer_identically(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    other = _rows(1, start=50)[0][1]  # a valid ID number nobody registered
    answers = [
        _ask(Client(), other),
        _ask(Client(), number, card="S99999999"),
        _ask(Client(), number, name="袁建"),
    ]
    assert len({a.status_code for a in answers}) == 1
    bodies = {_body(a) for a in answers}
    assert len(bodies) == 1
    assert 'data-test="lookup-failed"' in bodies.pop()


def test_the_id_number_alone_never_answers_and_never_travels_in_the_url(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    assert (
        client.get(URL + f"?id_number={number}").content.decode().count('data-test="dispute"') == 0
    )
    assert 'method="post"' in client.get(URL).content.decode()


def test_a_target_locks_after_ten_failures_a_day_from_any_number_of_phones(person) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    limit, _window = settings.LIANYUN_LIMITS["lookup_failures_per_target"]
    assert limit <= 10
    for n in range(limit):
        _ask(Client(), number, card=f"S0000000{n}")
    assert 'data-test="statement"' not in _ask(Client(), number).content.decode()


def test_one_phone_gets_at_most_twenty_answers_an_hour(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    limit, _window = settings.LIANYUN_LIMITS["lookup_per_session"]
    assert limit <= 20
    strangers = [r[1] for r in _rows(limit, start=100)]
    for stranger in strangers:
        _ask(client, stranger)
    assert 'data-test="statement"' not in _ask(client, number).content.decode()
    assert 'data-test="statement"' in _ask(Client(), number).content.decode()


def test_a_disputed_payout_becomes_a_petition_in_the_town_queue(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    number, resident = person
    _ask(client, number)
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    form = client.post(reverse("petitions:payout-dispute", args=[payout.pk]))
    assert "理由" in form.content.decode()
    receipt_page = client.post(
        reverse("petitions:payout-dispute", args=[payout.pk]),
        {"reason": "九月的低保少发了一百元。"},
    ).content.decode()
    assert 'data-test="receipt"' in receipt_page
    petition = Petition.objects.get(payout=payout)
    handler = Client()
    handler.force_login(person_cast_town_secretary(resident))
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


def person_cast_town_secretary(resident):  # type: ignore[no-untyped-def]
    from lianyun.accounts.models import User

    return User.objects.get(username="town_secretary")
