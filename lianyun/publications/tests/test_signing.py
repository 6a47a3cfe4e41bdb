"""Signed checkpoints: every new checkpoint carries the publication key's signature, which
verifies with the published public key; a root changed in the database, a signature made with
another key, or a key taken out of the configuration is named by the verifier; rotation keeps
old checkpoints verifiable."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection
from django.test import Client

from lianyun.core.append_only import drop_guard, restore_guard
from lianyun.publications import signing
from lianyun.publications.actions import publish
from lianyun.publications.models import Checkpoint, CheckpointSignature, EntryKind
from lianyun.publications.queries import signed_time, verify_chain

pytestmark = pytest.mark.django_db
NEW_KEY = "2:" + base64.b64encode(b"another-county-publication-key!!").decode()


def _publish(n: int) -> None:
    for i in range(n):
        publish(kind=EntryKind.ARTICLE, subject=f"s{i}", title="公告", payload={"i": i})


def test_each_checkpoint_is_signed_and_verifies_with_the_published_key() -> None:
    _publish(3)
    assert verify_chain() == []
    keys = Client().get("/publications/keys.json").json()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(keys["keys"]["1"]))
    for checkpoint in Checkpoint.objects.select_related("signed"):
        text = (
            f"lianyun checkpoint\n{checkpoint.size}\n{checkpoint.root}\n{signed_time(checkpoint)}\n"
        )
        public.verify(base64.b64decode(checkpoint.signed.signature), text.encode())  # raises if not
    page = Client().get("/publications/").content.decode()
    assert 'data-test="signature"' in page and keys["keys"]["1"] not in page


def _edit(table: str, sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, table)
        cursor.execute(sql, params)
        restore_guard(cursor, connection.vendor, table)


def test_a_root_rewritten_with_its_leaves_still_fails_on_its_signature() -> None:
    _publish(2)
    first = Checkpoint.objects.get(size=1)
    _edit(
        "publications_checkpoint",
        "UPDATE publications_checkpoint SET root = %s WHERE size = 1",
        "0" * 64,
    )
    problems = verify_chain()
    assert [p.where for p in problems] == ["checkpoint 1", "checkpoint 1"]
    assert "signature" in problems[1].reason
    assert first.root != "0" * 64


def test_rotation_keeps_old_checkpoints_verifiable_and_a_missing_key_is_named(settings) -> None:  # type: ignore[no-untyped-def]
    _publish(1)
    settings.LIANYUN_PUBLICATION_KEYS = f"{NEW_KEY},{settings.LIANYUN_PUBLICATION_KEYS}"
    _publish(1)
    assert [s.key_id for s in CheckpointSignature.objects.order_by("checkpoint__size")] == [1, 2]
    assert verify_chain() == []
    settings.LIANYUN_PUBLICATION_KEYS = NEW_KEY  # the old key dropped too early
    problems = verify_chain()
    assert [(p.where, "key 1" in p.reason) for p in problems] == [("checkpoint 1", True)]


def test_a_checkpoint_after_signing_began_must_be_signed() -> None:
    _publish(3)
    _edit(
        "publications_checkpointsignature",
        "DELETE FROM publications_checkpointsignature WHERE checkpoint_id = %s",
        Checkpoint.objects.get(size=2).pk,
    )
    assert [(p.where, p.reason) for p in verify_chain()] == [("checkpoint 2", "is not signed")]


def test_the_signed_message_is_exactly_size_root_and_time() -> None:
    assert signing.message(3, "ab", "2026-11-27T00:00:00.000000+00:00") == (
        b"lianyun checkpoint\n3\nab\n2026-11-27T00:00:00.000000+00:00\n"
    )
