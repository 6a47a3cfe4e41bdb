"""The record for decades: stored hashes, a checkpoint per publishing transaction, checkpoints
kept outside (--against, a witness), the audit log's published head and live rows checked."""

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from lianyun.core import audit, merkle
from lianyun.core.append_only import drop_guard
from lianyun.core.models import AuditEntry, AuditHead
from lianyun.publications.actions import anchor_audit_log, batch, publish
from lianyun.publications.models import (
    Checkpoint,
    CheckpointSignature,
    Cosignature,
    Entry,
    EntryKind,
    Node,
)
from lianyun.publications.queries import (
    Kept,
    latest_checkpoint,
    parse_kept,
    root_at,
    verify_chain,
)
from lianyun.publications.witness import Witness, public_key_of

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def _publish(n: int, start: int = 0) -> list[Entry]:
    return [
        publish(
            kind=EntryKind.RECTIFICATION,
            subject="511923103201",
            title=f"第{i}项",
            payload={"title": f"第{i}项", "progress": 100},
        )
        for i in range(start, start + n)
    ]


def _unguard(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            drop_guard(cursor, connection.vendor, table)


def test_the_stored_hashes_are_those_of_the_tree_and_written_once() -> None:
    entries = _publish(11)
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    assert Node.objects.count() == merkle.stored_count(11)
    for size in range(1, 12):
        assert root_at(size) == merkle.root(leaves[:size]).hex()
    assert [c.size for c in Checkpoint.objects.all()] == list(range(1, 12))


def test_a_batch_is_one_transaction_under_one_signed_checkpoint() -> None:
    _publish(2)
    with batch():
        _publish(3, start=2)
        with batch():  # a nested batch joins the outer one
            _publish(1, start=5)
    assert [c.size for c in Checkpoint.objects.all()] == [1, 2, 6]  # one for the batch
    assert CheckpointSignature.objects.filter(checkpoint__size=6).exists()
    assert verify_chain() == []


def _failing_batch() -> None:
    with batch():
        _publish(3, start=1)
        raise RuntimeError("the publishing transaction fails")


def test_a_failed_batch_leaves_nothing_behind() -> None:
    _publish(1)
    with pytest.raises(RuntimeError):
        _failing_batch()
    assert Entry.objects.count() == 1
    assert Node.objects.count() == merkle.stored_count(1)
    assert Checkpoint.objects.count() == 1
    assert verify_chain() == []


def test_proofs_against_a_size_between_checkpoints(client: Client) -> None:
    with batch():
        entries = _publish(7)
    assert [c.size for c in Checkpoint.objects.all()] == [7]
    data = client.get(f"/publications/{entries[1].index}/proof/?size=5").json()
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    assert data["root"] == merkle.root(leaves[:5]).hex()
    assert merkle.verify_inclusion(
        leaves[1], 1, 5, [bytes.fromhex(p) for p in data["proof"]], bytes.fromhex(data["root"])
    )
    proof = client.get("/publications/consistency/?first=3&second=6").json()["proof"]
    assert merkle.verify_consistency(
        3,
        6,
        merkle.root(leaves[:3]),
        merkle.root(leaves[:6]),
        [bytes.fromhex(p) for p in proof],
    )


def test_the_list_pages_by_index_without_counting(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with batch():
        _publish(120)
    with django_assert_max_num_queries(6):
        page = client.get("/publications/?page=3").content.decode()
    assert "第19项" in page and "第20项" not in page and "第0项" in page
    assert "第 3 页，共 3 页" in page


# --- tampering at the edges ---------------------------------------------------------------------


def test_the_last_entry_deleted_with_its_checkpoint_is_caught_against_a_kept_copy() -> None:
    _publish(5)
    kept = latest_checkpoint()
    assert kept is not None
    printed = f"发布记录检查点: {kept.size} · {kept.root[:16]}…"  # as a notice prints it
    _unguard(
        "publications_entry",
        "publications_checkpoint",
        "publications_checkpointsignature",
        "publications_node",
    )
    CheckpointSignature.objects.filter(checkpoint__size=5).delete()
    Checkpoint.objects.filter(size=5).delete()
    Entry.objects.filter(index=4).delete()
    Node.objects.filter(id__gte=merkle.stored_count(4)).delete()
    assert verify_chain() == []  # from inside, a clean cut looks whole
    with pytest.raises(CommandError) as caught:
        call_command("verify_publications", against=[printed])
    problems = verify_chain(against=[parse_kept(printed)])  # type: ignore[list-item]
    assert [p.where for p in problems] == ["kept checkpoint 5"]
    assert "rolled back" in problems[0].reason
    assert "1 problems" in str(caught.value)


def test_a_rewritten_history_is_caught_against_a_kept_copy(tmp_path: Path) -> None:
    _publish(3)
    kept = latest_checkpoint()
    assert kept is not None
    saved = tmp_path / "checkpoint.json"
    saved.write_text(json.dumps({"size": kept.size, "root": kept.root}))
    _publish(2, start=3)
    call_command("verify_publications", against=[str(saved), f"{kept.size}:{kept.root}"])
    # Someone rewrites the whole record from entry 1 on, recomputing every hash and checkpoint
    # (but cannot sign them with the county's key; here the signatures go too).
    _unguard(
        "publications_entry",
        "publications_checkpoint",
        "publications_checkpointsignature",
        "publications_node",
    )
    CheckpointSignature.objects.all().delete()
    Checkpoint.objects.all().delete()
    Node.objects.filter(id__gte=merkle.stored_count(1)).delete()
    Entry.objects.filter(index__gte=1).delete()
    _publish(4, start=10)  # new entries 1..4, hashes and checkpoints recomputed
    problems = verify_chain(against=[Kept(kept.size, kept.root)])
    assert [p.where for p in problems] == ["kept checkpoint 3"]
    assert "rewritten" in problems[0].reason


def test_an_audit_log_cut_at_its_end_is_caught_against_its_published_head() -> None:
    for i in range(5):
        audit.record(action="test", object_id=i)
    anchor = anchor_audit_log()
    assert anchor is not None
    assert anchor_audit_log() is None  # nothing moved since
    for i in range(3):
        audit.record(action="test", object_id=10 + i)
    assert verify_chain() == []
    published = json.loads(anchor.payload)["count"]
    _unguard("core_auditentry")
    AuditEntry.objects.filter(seq__gte=published - 1).delete()  # cut, and the head rolled back
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    AuditHead.objects.filter(id=1).update(count=last.seq, last_hash=last.entry_hash)
    assert list(audit.verify_chain()) == []  # the log alone looks whole
    problems = verify_chain()
    assert [p.where for p in problems] == [f"entry {anchor.index}"]
    assert "cut" in problems[0].reason


def test_the_nightly_housekeeping_publishes_the_audit_head() -> None:
    audit.record(action="test")
    call_command("daily", today=datetime.date(2026, 11, 2))
    assert Entry.objects.filter(kind=EntryKind.AUDIT_HEAD).count() == 1


def test_kept_checkpoints_are_read_as_people_copy_them() -> None:
    root = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert parse_kept(f"12:{root}") == Kept(12, root)
    assert parse_kept(f"发布记录检查点: 12 · {root[:16]}…") == Kept(12, root[:16])
    assert parse_kept(f"lianyun checkpoint\n12\n{root}\n2026-11-02T09:00:00+00:00\n") == Kept(
        12, root
    )
    assert parse_kept(json.dumps({"size": 12, "root": root.upper()})) == Kept(12, root)
    for bad in ["", "12", f"0:{root}", "12:abc", '{"size": "12"}', "[]", f"x{root}"]:
        assert parse_kept(bad) is None, bad
    with pytest.raises(CommandError):
        call_command("verify_publications", against=["12"])


# --- a witness ------------------------------------------------------------------------------------


class ClientTransport:
    """The witness's HTTP, through the test client: the site's real views answer."""

    def __init__(self) -> None:
        self.client = Client()
        self.replay: dict[str, Any] | None = None  # a checkpoint the site shows instead

    def get(self, path: str) -> Any:
        if self.replay is not None and path.startswith("/publications/checkpoint.json"):
            return self.replay
        return self.client.get(path).json()

    def post(self, path: str, body: dict[str, Any]) -> int:
        return self.client.post(path, json.dumps(body), content_type="application/json").status_code


def test_a_witness_co_signs_growth_and_refuses_a_replayed_older_checkpoint(
    tmp_path: Path,
) -> None:
    state = tmp_path / "witness.json"
    site = ClientTransport()
    _publish(3)
    with time_machine.travel(NOW, tick=False):
        first = Witness(state, site).run("县人大办")
    assert first.accepted and first.public_key
    assert Cosignature.objects.count() == 0  # the site does not know this witness yet
    with override_settings(LIANYUN_WITNESSES=f"县人大办:{first.public_key}"):
        _publish(4, start=3)
        old = site.client.get("/publications/checkpoint.json").json()
        _publish(2, start=7)
        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            grown = Witness(state, site).run()
        assert grown.accepted, grown.message
        cosignature = Cosignature.objects.get()
        assert (cosignature.checkpoint.size, cosignature.witness) == (9, "县人大办")
        page = site.client.get("/publications/").content.decode()
        assert "县人大办" in page
        shown = site.client.get("/publications/checkpoint.json").json()
        assert [c["witness"] for c in shown["cosignatures"]] == ["县人大办"]
        # The site shows an older signed checkpoint again (its last entries deleted, say).
        site.replay = old
        refused = Witness(state, site).run()
        assert not refused.accepted and "rollback" in refused.message
        kept = json.loads(state.read_text())
        assert kept["latest"]["size"] == 9  # still the last good one
        assert (
            kept["alarms"][0]["shown"]["size"] == 7 and kept["alarms"][0]["accepted"]["size"] == 9
        )
        assert Cosignature.objects.count() == 1
        # A different root for a size it saw is a fork, refused the same way.
        site.replay = {**shown, "root": "00" * 32}
        assert not Witness(state, site).run().accepted


def test_the_site_refuses_co_signatures_it_cannot_check(client: Client) -> None:
    _publish(2)
    key = Ed25519PrivateKey.generate()
    seed = __import__("base64").b64encode(key.private_bytes_raw()).decode()
    good = {"witness": "报社", "size": 2, "signed_at": "2026-11-02T09:00:00+00:00"}
    with override_settings(LIANYUN_WITNESSES=f"报社:{public_key_of(seed)}"):
        for body, status in [
            ("not json", 400),
            ({"witness": "报社"}, 400),
            ({**good, "signed_at": "2026-11-02T09:00:00", "signature": "AA=="}, 400),
            ({**good, "size": 99, "signature": "AA=="}, 404),
            ({**good, "size": 10**30, "signature": "AA=="}, 404),
            ({**good, "signature": "AA=="}, 403),
            ({**good, "witness": "陌生人", "signature": "AA=="}, 403),
        ]:
            data = body if isinstance(body, str) else json.dumps(body)
            answer = client.post("/publications/cosign/", data, content_type="application/json")
            assert answer.status_code == status, (body, answer.content)
    assert Cosignature.objects.count() == 0


def _bulk(size: int) -> list[str]:
    """Entries written as publish() would, many at a time (for records of several blocks)."""
    tree, at = merkle.Builder(), datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)
    entries, nodes, texts = [], [], []
    for i in range(size):
        text = json.dumps({"n": i}, separators=(",", ":"))
        leaf = merkle.leaf_hash(text.encode())
        entries.append(
            Entry(
                index=i,
                kind="article",
                subject="bulk",
                title="x",
                payload=text,
                leaf_hash=leaf.hex(),
                published_at=at,
            )
        )
        first = merkle.stored_index(0, i)
        nodes += [Node(id=first + k, hash=h) for k, h in enumerate(tree.append(leaf))]
        texts.append(text)
    Entry.objects.bulk_create(entries, batch_size=2000)
    Node.objects.bulk_create(nodes, batch_size=2000)
    Checkpoint.objects.create(size=size, root=tree.root().hex(), at=at)
    return texts


def test_a_record_of_several_blocks_is_checked_and_a_stored_hash_located() -> None:
    size = 2 * merkle.BLOCK + 123
    _bulk(size)
    kept = Kept(merkle.BLOCK + 5, root_at(merkle.BLOCK + 5))
    assert verify_chain(against=[kept]) == []
    _unguard("publications_node")
    # One interior hash in the second block, stored by entry 16,387 (it completes 4 leaves).
    poisoned = merkle.stored_index(2, (merkle.BLOCK + 3) // 4)
    Node.objects.filter(id=poisoned).update(hash=b"\x00" * 32)
    problems = verify_chain()
    assert [(p.where, p.reason) for p in problems][:1] == [
        (f"entry {merkle.BLOCK + 3}", "does not match the tree's stored hashes from here on")
    ]


@pytest.mark.usefixtures("committed")
def test_the_witness_command_over_http(live_server: Any, tmp_path: Path) -> None:
    """`lianyun witness URL` against the site served for real: the first run prints the line
    the county configures, a later run co-signs, and after the last entry is cut it refuses."""
    from io import StringIO

    _publish(3)
    state = tmp_path / "witness.json"
    out = StringIO()
    call_command("witness", live_server.url, state=state, name="报社", stdout=out)
    line = out.getvalue().split("LIANYUN_WITNESSES: ")[1].split()[0]
    assert line.startswith("报社:")
    with override_settings(LIANYUN_WITNESSES=line):
        _publish(2, start=3)
        call_command("witness", live_server.url, state=state, stdout=StringIO())
        assert Cosignature.objects.get().checkpoint.size == 5
        _unguard(
            "publications_entry",
            "publications_checkpoint",
            "publications_checkpointsignature",
            "publications_node",
            "publications_cosignature",
        )
        Cosignature.objects.all().delete()
        CheckpointSignature.objects.filter(checkpoint__size=5).delete()
        Checkpoint.objects.filter(size=5).delete()
        Entry.objects.filter(index=4).delete()
        with pytest.raises(CommandError, match="rollback"):
            call_command("witness", live_server.url, state=state, stdout=StringIO())
