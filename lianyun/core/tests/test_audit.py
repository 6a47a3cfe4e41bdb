import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lianyun.core import audit
from lianyun.core.append_only import drop_guard
from lianyun.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _three() -> list[AuditEntry]:
    return [
        audit.record(action="test", object_type="x", object_id=n, detail={"n": n}) for n in range(3)
    ]


def test_entries_chain_and_verify() -> None:
    entries = _three()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].entry_hash
    assert list(audit.verify_chain()) == []
    call_command("verify_audit")


def test_the_database_refuses_updates_and_deletes() -> None:
    _three()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()
    assert AuditEntry.objects.get(seq=2).action == "test"


def _drop_guard() -> None:
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, "core_auditentry")


def test_an_edit_made_past_the_guard_is_detected() -> None:
    _three()
    _drop_guard()  # an attacker with database access; rolled back with the test
    AuditEntry.objects.filter(seq=2).update(purpose="quietly changed")
    problems = list(audit.verify_chain())
    assert [p.seq for p in problems] == [2]


def test_a_deleted_entry_is_detected() -> None:
    _three()
    _drop_guard()
    AuditEntry.objects.filter(seq=2).delete()
    reasons = " ".join(p.reason for p in audit.verify_chain())
    assert "missing" in reasons


@pytest.mark.usefixtures("committed")
def test_writers_at_once_never_fork_the_chain() -> None:
    """Eight writers appending at once (each its own connection; on PostgreSQL the append is one
    statement hashing in the database): one unbroken chain, hashes as Python computes them,
    Chinese text included."""
    import threading

    from django.db import connections

    def write(n: int) -> None:
        try:
            for k in range(15):
                audit.record(action="并发", object_type="x", object_id=f"{n}-{k}", purpose="查询")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 121))
    assert list(audit.verify_chain()) == []
