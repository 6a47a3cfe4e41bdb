"""docs/security.md S3 (identity gate), S5 (receipts), S6 (receipt brute force), recusal at the query."""

import math

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from lianyun.accounts.actions import create_account
from lianyun.core.models import AuditEntry
from lianyun.core.roles import Role
from lianyun.petitions import actions, receipts
from lianyun.petitions.access import petition_by_receipt, visible_petitions
from lianyun.petitions.models import EventKind, PetitionKind
from lianyun.testing import Cast, commissions


@pytest.fixture
def named(cast: Cast) -> actions.Submitted:
    commissions(cast)
    return actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=False,
        subject_person=cast.cadre_resident,
        description="村支书截留了低保金，请调查。",
        reporter_name="彭运芳",
        reporter_phone="13812345678",
        reporter_id_number="360426199101010071",
    )


def test_receipts_carry_at_least_80_bits_and_do_not_collide_in_a_million() -> None:
    assert receipts.SECRET_BITS >= 80
    seen = set()
    for _ in range(1_000_000):
        seen.add(receipts.new_receipt().secret)
    assert len(seen) == 1_000_000
    alphabet = set("".join(list(seen)[:1000]))
    assert len(alphabet) == 32
    assert receipts.SECRET_LENGTH * math.log2(len(alphabet)) >= 80


def test_receipts_are_stored_only_as_keyed_hashes(named: actions.Submitted) -> None:
    petition = named.petition
    assert petition.receipt_hash.startswith(receipts.HMAC_PREFIX)
    assert named.receipt.secret not in petition.receipt_hash
    assert named.receipt.secret not in str(list(AuditEntry.objects.values()))


def test_a_receipt_stored_by_argon2_still_opens_and_is_stored_again_as_an_hmac(
    named: actions.Submitted,
) -> None:
    from argon2 import PasswordHasher

    from lianyun.petitions.models import Petition

    legacy = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(named.receipt.secret)
    Petition.objects.filter(pk=named.petition.pk).update(receipt_hash=legacy)
    wrong = receipts.Receipt(named.receipt.locator, receipts.new_receipt().secret).text
    assert petition_by_receipt(wrong, client="s1") is None
    assert Petition.objects.get(pk=named.petition.pk).receipt_hash == legacy
    assert petition_by_receipt(named.receipt.text, client="s2") == named.petition
    stored = Petition.objects.get(pk=named.petition.pk).receipt_hash
    assert stored == receipts.hash_secret(named.receipt.secret)
    assert petition_by_receipt(named.receipt.text, client="s3") == named.petition


def test_a_receipt_opens_its_petition_in_any_spelling(named: actions.Submitted) -> None:
    text = named.receipt.text.lower().replace("-", " ")
    assert petition_by_receipt(text, client="s1") == named.petition


def test_wrong_receipts_block_the_guesser_never_the_owner(named: actions.Submitted) -> None:
    per_pair, _ = settings.LIANYUN_LIMITS["receipt_per_target_client"]
    per_client, _ = settings.LIANYUN_LIMITS["receipt_per_client"]
    locator = named.receipt.locator
    # One client guessing one receipt: blocked for it after the allowance, even the right one.
    for n in range(per_pair):
        assert petition_by_receipt(locator + "A" * 20, client="guesser") is None, n
    assert petition_by_receipt(named.receipt.text, client="guesser") is None
    # The owner, elsewhere, is never blocked by it.
    assert petition_by_receipt(named.receipt.text, client="owner") == named.petition
    # A client sending random receipts reaches its ceiling, and only its own.
    for _n in range(per_client):
        petition_by_receipt(receipts.new_receipt().text, client="flood")
    assert petition_by_receipt(named.receipt.text, client="flood") is None
    assert petition_by_receipt(named.receipt.text, client="owner") == named.petition


def test_one_client_flooding_the_api_never_stops_tracking_for_others(
    named: actions.Submitted,
) -> None:
    """320 random receipts from one client made every valid receipt answer 404 for the rest of
    the hour (an outside probe): the API shared one bucket. Now each address has its own."""
    from django.test import Client

    from lianyun.testing import pow_header

    flood = Client(REMOTE_ADDR="198.51.100.50")
    for _n in range(320):
        flood.get(
            "/api/v1/petitions/track",
            HTTP_X_RECEIPT=receipts.new_receipt().text,
            **pow_header("track", address="198.51.100.50"),
        )
    owner = Client(REMOTE_ADDR="203.0.113.40")
    answer = owner.get(
        "/api/v1/petitions/track",
        HTTP_X_RECEIPT=named.receipt.text,
        **pow_header("track", address="203.0.113.40"),
    )
    assert answer.status_code == 200 and answer.json()["number"] == named.petition.number


def test_ten_thousand_guesses_succeed_zero_times(named: actions.Submitted) -> None:
    successes = 0
    for n in range(10_000):
        guess = receipts.Receipt(named.receipt.locator, receipts.new_receipt().secret).text
        if petition_by_receipt(guess, client=f"device-{n % 50}") is not None:
            successes += 1
    assert successes == 0


def test_malformed_receipts_are_refused_before_any_lookup() -> None:
    for text in ["", "short", "0000-0000-0000-0000-0000-0000-0000", "A" * 29]:
        assert receipts.parse_receipt(text) is None


def test_the_identity_stays_hidden_until_a_custodian_approves(
    named: actions.Submitted, cast: Cast
) -> None:
    handler = cast.town_secretary.user
    custodian = create_account(
        username="keeper", password="x" * 12, role=Role.CUSTODIAN, region=cast.county
    ).user
    petition = named.petition
    with pytest.raises(ValidationError):
        actions.reveal_reporter(petition=petition, actor=handler)
    request = actions.request_identity(petition=petition, actor=handler, reason="需核实举报细节")
    with pytest.raises(ValidationError):
        actions.reveal_reporter(petition=petition, actor=handler)
    with pytest.raises(ValidationError):
        actions.decide_identity_request(request=request, approve=True, actor=handler)
    before = AuditEntry.objects.filter(action="read:reporter_identity").count()
    assert before == 0
    actions.decide_identity_request(request=request, approve=True, actor=custodian)
    identity = actions.reveal_reporter(petition=petition, actor=handler)
    assert identity.name == "彭运芳"
    assert AuditEntry.objects.filter(action="read:reporter_identity").count() == 1
    actions.reveal_reporter(petition=petition, actor=handler)
    assert AuditEntry.objects.filter(action="read:reporter_identity").count() == 2
    assert (
        petition.events.filter(kind=EventKind.IDENTITY_VIEWED, visible_to_petitioner=True).count()
        == 2
    )
    # Another handler's approval does not carry over.
    with pytest.raises(ValidationError):
        actions.reveal_reporter(petition=petition, actor=cast.county_inspector.user)


def test_the_subject_and_the_subjects_relatives_and_colleagues_never_see_it(
    named: actions.Submitted, cast: Cast
) -> None:
    from lianyun.people.models import Post

    town_unit = named.petition.handling_unit
    # The cadre's spouse works in the town commission as an official.
    spouse_account = create_account(
        username="spouse_official", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    spouse_account.resident = cast.relative_resident
    spouse_account.save()
    assert not visible_petitions(spouse_account).exists()
    # A colleague: holds a post in the same village committee as the subject.
    colleague = create_account(
        username="colleague", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    colleague.resident = cast.residents[
        next(n for n, r in cast.residents.items() if r.name == "欧阳娜娜")
    ]
    colleague.save()
    Post.objects.create(
        unit=cast.cadre_resident.posts.first().unit,
        holder=colleague.resident,  # type: ignore[union-attr]
        title="文书",
        start="2021-01-01",
    )
    assert not visible_petitions(colleague).exists()
    # The subject with a commission account of their own.
    subject = create_account(
        username="subject", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    subject.resident = cast.cadre_resident
    subject.save()
    assert not visible_petitions(subject).exists()
    # The ordinary handler sees it; the other town does not.
    assert visible_petitions(cast.town_secretary.user).count() == 1
    assert not visible_petitions(cast.outsider.user).exists()
    assert town_unit.region == cast.town_a
