import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lianyun.core import merkle
from lianyun.core.append_only import drop_guard
from lianyun.publications.actions import publish
from lianyun.publications.models import Checkpoint, Entry, EntryKind
from lianyun.publications.queries import consistency, inclusion, latest_checkpoint, verify_chain

pytestmark = pytest.mark.django_db


def _publish(n: int) -> list[Entry]:
    return [
        publish(
            kind=EntryKind.RECTIFICATION,
            subject="511923103201",
            title=f"第{i}项",
            payload={"title": f"第{i}项", "progress": 100, "village": "三官寨村"},
        )
        for i in range(n)
    ]


def test_each_publication_appends_a_leaf_and_a_checkpoint() -> None:
    entries = _publish(5)
    assert [e.index for e in entries] == [0, 1, 2, 3, 4]
    checkpoint = latest_checkpoint()
    assert checkpoint is not None
    assert checkpoint.size == 5
    leaves = [merkle.leaf_hash(e.payload.encode()) for e in entries]
    assert checkpoint.root == merkle.root(leaves).hex()


def test_a_printed_checkpoint_is_checked_against_a_later_one() -> None:
    _publish(3)
    printed = latest_checkpoint()
    assert printed is not None
    entries = _publish(4)
    now = latest_checkpoint()
    assert now is not None
    proof = [bytes.fromhex(p) for p in consistency(printed.size, now.size)]
    assert merkle.verify_consistency(
        printed.size, now.size, bytes.fromhex(printed.root), bytes.fromhex(now.root), proof
    )
    path = [bytes.fromhex(p) for p in inclusion(entries[0], now.size)]
    assert merkle.verify_inclusion(
        bytes.fromhex(entries[0].leaf_hash),
        entries[0].index,
        now.size,
        path,
        bytes.fromhex(now.root),
    )


def test_a_correction_is_a_new_entry_pointing_at_the_old() -> None:
    (old,) = _publish(1)
    fixed = publish(
        kind=EntryKind.RECTIFICATION,
        subject="511923103201",
        title="更正",
        payload={"title": "第0项", "progress": 90},
        corrects=old,
    )
    assert fixed.index == 1
    assert list(old.corrections.all()) == [fixed]
    assert Entry.objects.get(index=0).payload == old.payload
    from django.test import Client
    from django.urls import reverse

    page = Client().get(reverse("publications:entry-detail", args=[1])).content.decode()
    difference = page.split('data-test="difference"')[1].split("</pre>")[0]
    assert "- progress: 100" in difference and "+ progress: 90" in difference
    assert "village" in difference and "title" not in difference  # only what changed


def test_the_database_refuses_edits_and_deletions() -> None:
    _publish(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(index=0).update(payload="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(size=1).delete()
    assert verify_chain() == []
    call_command("verify_publications")


def test_a_direct_database_edit_is_detected_by_the_verifier() -> None:
    _publish(4)
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, "publications_entry")  # an attacker with DB access
    Entry.objects.filter(index=2).update(payload='{"title":"第2项","progress":0}')
    problems = verify_chain()
    # The edited entry, and every checkpoint that covered it.
    assert [p.where for p in problems] == ["entry 2", "checkpoint 3", "checkpoint 4"]
    with pytest.raises(CommandError):
        call_command("verify_publications")


def test_rewriting_a_leaf_and_its_hash_is_caught_by_the_checkpoints() -> None:
    _publish(4)
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, "publications_entry")
    forged = '{"title":"第1项","progress":0}'
    Entry.objects.filter(index=1).update(
        payload=forged, leaf_hash=merkle.leaf_hash(forged.encode()).hex()
    )
    problems = verify_chain()
    # The stored hashes still hold the old leaf: they name the entry; the checkpoints follow.
    assert {p.where for p in problems} == {
        "entry 1",
        "checkpoint 2",
        "checkpoint 3",
        "checkpoint 4",
    }


def test_a_payload_changed_to_hold_any_byte_and_an_entry_cut_from_the_middle_are_located() -> None:
    """The verifier reads a block's payloads as one value split at a control character that
    canonical JSON never holds; a payload changed to hold it, or a block with a hole, is read
    entry by entry instead and still located exactly."""
    original = _publish(6)[2].payload
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, "publications_entry")
    Entry.objects.filter(index=2).update(payload=original.replace("第2项", "第2\x01\x1f项"))
    assert [p.where for p in verify_chain()] == [
        "entry 2",
        "checkpoint 3",
        "checkpoint 4",
        "checkpoint 5",
        "checkpoint 6",
    ]
    Entry.objects.filter(index=2).update(payload=original)
    assert verify_chain() == []
    Entry.objects.filter(index=4).delete()
    problems = verify_chain()
    assert (problems[0].where, problems[0].reason) == ("entry 4", "missing from the chain")


def test_the_public_pages_serve_proofs_anyone_can_check(client) -> None:  # type: ignore[no-untyped-def]
    entries = _publish(6)
    page = client.get("/publications/").content.decode()
    assert "第5项" in page
    checkpoint = latest_checkpoint()
    assert checkpoint is not None
    assert checkpoint.root in page
    data = client.get(f"/publications/{entries[2].index}/proof/").json()
    assert merkle.verify_inclusion(
        bytes.fromhex(data["leaf_hash"]),
        data["index"],
        data["size"],
        [bytes.fromhex(p) for p in data["proof"]],
        bytes.fromhex(data["root"]),
    )
    old = Checkpoint.objects.get(size=2)
    proof = client.get("/publications/consistency/?first=2").json()
    assert merkle.verify_consistency(
        2,
        proof["second"],
        bytes.fromhex(old.root),
        bytes.fromhex(checkpoint.root),
        [bytes.fromhex(p) for p in proof["proof"]],
    )
    assert client.get("/publications/consistency/?first=99").status_code == 400
    assert "first" in client.get("/publications/consistency/?first=abc").json()["detail"]
    assert client.get("/publications/99/").status_code == 404
