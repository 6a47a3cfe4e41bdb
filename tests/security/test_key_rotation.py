"""Rotating the data key: after `lianyun rotate_data_keys`, nothing needs the old key any more,
so it can leave LIANYUN_DATA_KEYS and every personal value and file still reads the same."""

import base64
import io

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models

from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.core.rotation import encrypted_columns, encrypted_file_models, rotate
from lianyun.ledger.actions import receive_upload
from lianyun.people.models import Resident
from lianyun.petitions.actions import read_description
from lianyun.testing import payout_csv, payout_rows
from tests.security.conftest import CANARY, World

NEW_KEY = "2:" + base64.b64encode(bytes(range(32))).decode()


def _plaintexts() -> dict[tuple[str, object, str], bytes]:
    """Every encrypted value and file, decrypted: what must read the same after rotation."""
    out = {}
    for model, name, context in encrypted_columns():
        for pk, value in model._default_manager.values_list("pk", name):
            if value:
                out[(model._meta.label, pk, name)] = crypto.decrypt_bytes(value, context=context)
    for model in encrypted_file_models():
        for pk, stored in model._default_manager.values_list("pk", "stored_name"):
            if stored:
                with default_storage.open(stored, "rb") as handle:
                    data = crypto.decrypt_bytes(handle.read(), context=model.context)  # type: ignore[attr-defined]
                out[(model._meta.label, pk, "file")] = data
    return out


# Binary columns that hold no personal data: the publication record's stored hashes are
# SHA-256 values of what was already public.
PUBLIC_BINARY = {"publications.Node.hash"}


def test_every_binary_column_is_declared_encrypted() -> None:
    undeclared = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.BinaryField)
        and f.name not in getattr(model, "encrypted_fields", {})
        and f"{model._meta.label}.{f.name}" not in PUBLIC_BINARY
    ]
    assert undeclared == []


def test_after_rotation_the_old_key_can_go_and_everything_reads_the_same(
    world: World,
    settings,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    old = settings.LIANYUN_DATA_KEYS
    resident = Resident.objects.first()
    assert resident is not None
    resident.set_phone("13800138000")
    resident.save()
    with django_capture_on_commit_callbacks(execute=False):  # waiting for the task queue
        receive_upload(  # kept in 1 MiB segments, rewritten in one piece
            user=User.objects.first(), data=payout_csv(payout_rows(3)), label="a", source="upload"
        )
    before = _plaintexts()
    kinds = {(label, name) for label, _pk, name in before}
    # The fixture's world holds residents' IDs, phones and cards, a petition with its reporter
    # and an attachment, evidence, a disclosure file, a demand, ballot codes, TOTP secrets.
    assert ("people.Resident", "id_number_encrypted") in kinds
    assert ("petitions.Attachment", "file") in kinds and ("cases.Evidence", "file") in kinds
    assert ("surveys.BallotToken", "code_encrypted") in kinds
    assert ("ledger.PayoutUpload", "file") in kinds
    files_before = set(default_storage.listdir("attachments")[1])

    settings.LIANYUN_DATA_KEYS = f"{NEW_KEY},{old}"
    counted = rotate(check=True)
    assert counted.rewritten == 0 and counted.keys[1] == len(before) and counted.keys[2] == 0
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # old files go once rows commit
        call_command("rotate_data_keys", stdout=out)
    assert "重新加密 / re-encrypted" in out.getvalue()
    assert "older keys may leave" in out.getvalue()
    again = rotate()
    assert again.rewritten == 0 and again.files == 0 and again.current == len(before)

    settings.LIANYUN_DATA_KEYS = NEW_KEY  # the old key is gone
    assert _plaintexts() == before
    petition = world.petition
    petition.refresh_from_db()
    assert CANARY in read_description(petition)
    resident.refresh_from_db()
    assert resident.phone() == "13800138000"
    assert crypto.key_id_of(resident.phone_encrypted) == 2
    # Old files were removed once their rows pointed at the new ones.
    files_after = set(default_storage.listdir("attachments")[1])
    assert files_after and not files_after & files_before


def test_check_changes_nothing_and_says_the_old_key_is_still_needed(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIANYUN_DATA_KEYS = f"{NEW_KEY},{settings.LIANYUN_DATA_KEYS}"
    before = {
        (m._meta.label, name): list(m._default_manager.values_list(name, flat=True))
        for m, name, _c in encrypted_columns()
    }
    out = io.StringIO()
    call_command("rotate_data_keys", "--check", stdout=out)
    assert "keep them in LIANYUN_DATA_KEYS" in out.getvalue()
    after = {
        (m._meta.label, name): list(m._default_manager.values_list(name, flat=True))
        for m, name, _c in encrypted_columns()
    }
    assert after == before


def test_a_value_no_key_opens_stops_the_rotation_and_is_named(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError

    resident = Resident.objects.first()
    assert resident is not None
    foreign = "9:" + base64.b64encode(bytes(32)).decode()
    settings.LIANYUN_DATA_KEYS = f"{foreign},{settings.LIANYUN_DATA_KEYS}"
    resident.set_phone("13800138000")  # under key 9, which is then lost
    resident.save()
    settings.LIANYUN_DATA_KEYS = f"{NEW_KEY},{settings.LIANYUN_DATA_KEYS.split(',', 1)[1]}"
    try:
        call_command("rotate_data_keys", stdout=io.StringIO())
    except CommandError as error:
        message = str(error)
    else:
        raise AssertionError("the rotation went on past a value it cannot read")
    assert f"people.Resident.phone_encrypted #{resident.pk}" in message
    assert message.index("无法解密") < message.index("Cannot decrypt")
    assert "13800138000" not in message
