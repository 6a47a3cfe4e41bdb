"""Payout files handed over on the upload page and pushed through the API, imported by the
task queue (run at once in tests), with progress, error reports, idempotency keys and texts."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lianyun.accounts.actions import create_account, issue_api_token
from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.core.roles import Role
from lianyun.core.sms import MemoryBackend
from lianyun.ledger.actions import payment_notice
from lianyun.ledger.models import Payout, PayoutUpload, UploadStatus
from lianyun.regions.models import Unit
from lianyun.testing import PASSWORD, Cast, payout_csv, payout_rows

LIST = reverse("ledger:upload-list")
API = "/api/v1/payout-batches"


def _department(county: Cast, name: str = "平昌县民政局", username: str = "minzheng") -> User:
    unit = Unit.objects.get(name=name)
    return create_account(
        username=username,
        password=PASSWORD,
        role=Role.COUNTY_DEPARTMENT,
        region=county.county,
        unit=unit,
    ).user


_committed: list[object] = []


@pytest.fixture(autouse=True)
def _queue(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The task queue runs at once in tests, but only after the request's commit."""
    _committed[:] = [django_capture_on_commit_callbacks]


def _hand_over(client: Client, data: bytes, **fields: object):  # type: ignore[no-untyped-def]
    with _committed[0](execute=True):  # type: ignore[operator]
        response = client.post(LIST, {"file": SimpleUploadedFile("2026年10月.csv", data), **fields})
    return (
        client.get(response["Location"], follow=True) if response.status_code == 302 else response
    )


def _kept_files() -> set[str]:
    if not default_storage.exists(PayoutUpload.folder):
        return set()
    return set(default_storage.listdir(PayoutUpload.folder)[1])


def test_a_department_hands_over_a_gbk_file_and_sees_it_imported(county: Cast) -> None:
    client = Client()
    client.force_login(_department(county))
    rows = payout_rows(12)
    kept_before = _kept_files()
    page = _hand_over(client, payout_csv(rows, "gbk"))
    upload = PayoutUpload.objects.get()
    assert page.request["PATH_INFO"] == reverse("ledger:upload-detail", args=[upload.public_id])
    assert upload.status == UploadStatus.COMPLETE and upload.percent == 100
    assert upload.summary["rows_written"] == 12 and upload.summary["encoding"] == "GBK"
    assert Payout.objects.count() == 12
    body = page.content.decode()
    assert 'data-status="complete"' in body and 'value="100"' in body
    assert 'http-equiv="refresh"' not in body  # the page stops refreshing once finished
    # The kept file is gone once imported; the batch remembers it by its hash.
    assert upload.stored_name == ""
    assert _kept_files() == kept_before
    again = _hand_over(client, payout_csv(rows, "gbk"))
    assert PayoutUpload.objects.count() == 2 and Payout.objects.count() == 12
    assert "nothing new was written" in again.content.decode() or "未写入新数据" in (
        again.content.decode()
    )


def test_a_file_with_a_bad_row_writes_nothing_and_offers_the_error_report(county: Cast) -> None:
    client = Client()
    client.force_login(_department(county))
    rows = payout_rows(5)
    rows[3][5] = "-20"
    page = _hand_over(client, payout_csv(rows))
    upload = PayoutUpload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    assert Payout.objects.count() == 0
    assert 'data-test="error-report"' in page.content.decode()
    report = client.get(reverse("ledger:upload-errors", args=[upload.public_id]))
    assert report["Content-Disposition"].startswith("attachment")
    text = report.content.decode("utf-8-sig")
    assert "5" in text and "-20" in text
    accepted = _hand_over(client, payout_csv(rows), accept_valid="on")
    assert "complete" in accepted.content.decode()
    assert Payout.objects.count() == 4


def test_a_department_imports_only_its_own_items(county: Cast) -> None:
    client = Client()
    client.force_login(_department(county, "平昌县林业局", "linye"))
    _hand_over(client, payout_csv(payout_rows(4)))  # 低保金 and 高龄津贴 belong to 民政局
    upload = PayoutUpload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    assert upload.summary["rows_rejected"] == 4
    assert Payout.objects.count() == 0


@pytest.mark.parametrize("who", ["villager", "town_secretary", "county_inspector"])
def test_only_departments_and_the_it_operator_reach_the_upload_page(county: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(county, who).user)
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 404
    assert not PayoutUpload.objects.exists()


def test_another_department_cannot_open_an_upload(county: Cast) -> None:
    owner = Client()
    owner.force_login(_department(county))
    _hand_over(owner, payout_csv(payout_rows(2)))
    upload = PayoutUpload.objects.get()
    other = Client()
    other.force_login(_department(county, "平昌县林业局", "linye"))
    assert other.get(reverse("ledger:upload-detail", args=[upload.public_id])).status_code == 404


def _push(client: Client, token: str, data: bytes, key: str | None, **fields: object):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    with _committed[0](execute=True):  # type: ignore[operator]
        response = client.post(
            API, {"file": SimpleUploadedFile("batch.csv", data), **fields}, headers=headers
        )
    return response


def test_the_platform_pushes_a_file_once_whatever_it_resends(county: Cast, client: Client) -> None:
    token = issue_api_token(user=_department(county), name="一卡通平台")
    data = payout_csv(payout_rows(8), "gbk")
    first = _push(client, token, data, "oct-2026-minzheng-001")
    assert first.status_code == 202, first.content
    body = first.json()
    assert body["status"] == "queued"  # accepted; the task queue imports it
    auth = {"Authorization": f"Bearer {token}"}
    followed = client.get(f"{API}/{body['id']}", headers=auth).json()
    assert (followed["status"], followed["rows_written"], followed["percent"]) == (
        "complete",
        8,
        100,
    )
    resent = _push(client, token, data, "oct-2026-minzheng-001")
    assert resent.status_code == 200 and resent.json() == followed
    assert PayoutUpload.objects.count() == 1 and Payout.objects.count() == 8
    other = _push(client, token, payout_csv(payout_rows(3)), "oct-2026-minzheng-001")
    assert other.status_code == 422
    assert "idempotency" in other.json()["detail"].lower()
    assert _push(client, token, data, None).status_code == 400
    assert client.get(f"{API}/{body['id']}").status_code == 401


def test_an_empty_file_is_refused_before_anything_is_queued(county: Cast, client: Client) -> None:
    token = issue_api_token(user=_department(county), name="一卡通平台")
    empty = _push(client, token, b"", "empty-file-0001")
    assert empty.status_code == 400 and "file" in empty.json()["errors"]
    assert PayoutUpload.objects.count() == 0


def test_the_push_needs_an_importing_account(county: Cast, client: Client) -> None:
    data = payout_csv(payout_rows(2))
    assert _push(client, "not-a-token", data, "key-00000001").status_code == 401
    token = issue_api_token(user=county.town_secretary.user, name="town")
    assert _push(client, token, data, "key-00000001").status_code == 403
    assert not PayoutUpload.objects.exists()


def test_each_paid_recipient_with_a_phone_gets_the_payment_notice_once(
    county: Cast,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    number, resident = next(iter(county.residents.items()))
    resident.set_phone("13800001234")
    resident.save()
    rows = payout_rows(3)
    rows[0][1], rows[0][2] = number, resident.name
    client = Client()
    client.force_login(_department(county))
    _hand_over(client, payout_csv(rows), notify="on")
    assert [m.phone for m in MemoryBackend.outbox] == ["13800001234"]
    payout = Payout.objects.get(resident=resident)
    expected = (
        f"【平昌一卡通】{resident.name}您好，您第202610期{payout.item.name}已获批准，"
        f"金额{payout.amount}元，已发放到尾号为{rows[0][10][-4:]}的社会保障卡，请注意查收。"
    )
    assert MemoryBackend.outbox[0].text == expected == payment_notice(payout, "平昌一卡通")
    _hand_over(client, payout_csv(rows), notify="on")
    assert len(MemoryBackend.outbox) == 1


def test_an_upload_stopped_by_an_error_says_so_and_stops_refreshing(county: Cast) -> None:
    from lianyun.ledger.actions import receive_upload, run_upload

    user = _department(county)
    upload, _new = receive_upload(
        user=user, data=payout_csv(payout_rows(3)), label="a.csv", source="upload"
    )
    default_storage.delete(upload.stored_name)  # the kept file is lost before the queue runs
    run_upload(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and upload.stored_name == ""
    assert "hand the same file over again" in upload.message.lower()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("ledger:upload-detail", args=[upload.public_id])).content.decode()
    assert 'data-status="failed"' in page and 'http-equiv="refresh"' not in page
    assert not Payout.objects.exists()


def test_a_file_larger_than_a_segment_is_kept_sealed_and_read_back_in_segments(
    county: Cast, tmp_path: Path
) -> None:
    """The upload is read from its file and sealed a segment (1 MiB) at a time, never whole;
    the worker decrypts it a segment at a time as the importer reads."""
    from lianyun.ledger.actions import receive_upload, run_upload

    rows = payout_rows(12_000)
    data = payout_csv(rows, "gbk")
    assert len(data) > 1 << 20
    path = tmp_path / "2026年10月.csv"
    path.write_bytes(data)
    with _committed[0](execute=False), path.open("rb") as handed:  # type: ignore[operator]
        upload, _new = receive_upload(
            user=_department(county), data=handed, label=path.name, source="upload"
        )
    kept_name = upload.stored_name
    with default_storage.open(kept_name, "rb") as stored:
        kept = stored.read()
    assert kept[0] == crypto.STREAM_FORMAT and len(kept) > len(data)
    assert rows[0][1].encode() not in kept and rows[-1][1].encode() not in kept
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.rows_expected == 12_000
    run_upload(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.COMPLETE, upload.message
    assert upload.summary["rows_written"] == 12_000 and Payout.objects.count() == 12_000
    assert upload.stored_name == "" and not default_storage.exists(kept_name)
