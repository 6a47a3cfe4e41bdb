"""A department whose files head their columns in its own way names them once on the upload
page; its next files are imported with no questions, and the API and the command line take
the mapping by its name."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lianyun.accounts.actions import create_account, issue_api_token
from lianyun.accounts.models import User
from lianyun.core.once import FIELD, new_key
from lianyun.core.roles import Role
from lianyun.ledger.actions import name_columns
from lianyun.ledger.models import ColumnMapping, Payout, PayoutUpload, UploadStatus
from lianyun.regions.models import Unit
from lianyun.testing import PASSWORD, Cast, payout_rows

LIST = reverse("ledger:upload-list")
API = "/api/v1/payout-batches"
# A department's own headers: none of them is a name the app ships with.
OWN = ["编号", "户名", "证件", "资金类别", "所属期间", "钱数", "村组", "镇别"]
# Which of the department's columns holds each field, as it names them on the page.
NAMED = {"id_number": 2, "name": 1, "item": 3, "period": 4, "amount": 5, "town": 7, "village": 6}


def _own_file(start: int = 0, n: int = 4, header: list[str] = OWN) -> bytes:
    rows = payout_rows(n, start=start)
    lines = [header] + [
        [str(i), row[2], row[1], row[3], row[4], row[5], row[8], row[7]]
        for i, row in enumerate(rows, start=1)
    ]
    return "\r\n".join(",".join(line) for line in lines).encode("gbk")


def _department(name: str = "平昌县民政局", username: str = "minzheng") -> User:
    return create_account(
        username=username,
        password=PASSWORD,
        role=Role.COUNTY_DEPARTMENT,
        region=Unit.objects.get(name=name).region,
        unit=Unit.objects.get(name=name),
    ).user


_committed: list[object] = []


@pytest.fixture(autouse=True)
def _queue(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _committed[:] = [django_capture_on_commit_callbacks]


def _post(client: Client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    with _committed[0](execute=True):  # type: ignore[operator]
        return client.post(url, data)


def _hand_over(client: Client, data: bytes, name: str = "低保10月.csv") -> PayoutUpload:
    _post(client, LIST, {"file": SimpleUploadedFile(name, data)})
    return PayoutUpload.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_a_department_names_its_columns_once_and_its_next_file_imports(county: Cast) -> None:
    client = Client()
    client.force_login(_department())
    upload = _hand_over(client, _own_file())
    assert upload.status == UploadStatus.MAPPING and upload.stored_name  # kept, waiting
    assert upload.columns_seen == OWN and not Payout.objects.exists()
    detail = client.get(reverse("ledger:upload-detail", args=[upload.public_id])).content.decode()
    assert 'data-test="name-columns"' in detail and 'http-equiv="refresh"' not in detail
    url = reverse("ledger:upload-columns", args=[upload.public_id])
    page = client.get(url).content.decode()
    # The file's columns beside the fields, with the guesses chosen: 证件 (E) is a guess.
    assert "C · 证件" in page and "E · 所属期间" in page
    assert '<option value="4" selected>' in page  # 所属期间, guessed as the period
    chosen = {name: str(at) for name, at in NAMED.items()}
    twice = _post(
        client, url, {**chosen, "amount": "4", "mapping_name": "低保花名册", FIELD: new_key()}
    )
    assert twice.status_code == 200 and "已指定为" in twice.content.decode()
    assert not ColumnMapping.objects.exists()
    done = _post(client, url, {**chosen, "mapping_name": "低保花名册", FIELD: new_key()})
    assert done.status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.COMPLETE and upload.summary["mapping"] == "低保花名册"
    assert Payout.objects.count() == 4 and not upload.stored_name
    mapping = ColumnMapping.objects.get()
    assert mapping.unit.name == "平昌县民政局" and mapping.columns["amount"] == "钱数"
    # The next month's file, its columns in another order, imports with no questions.
    reordered = [OWN[i] for i in (1, 0, 2, 3, 4, 5, 6, 7)]
    data = _own_file(start=4)
    lines = data.decode("gbk").split("\r\n")
    lines = [",".join(line.split(",")[i] for i in (1, 0, 2, 3, 4, 5, 6, 7)) for line in lines]
    assert lines[0].split(",") == reordered
    following = _hand_over(client, "\r\n".join(lines).encode("gbk"), "低保11月.csv")
    assert following.status == UploadStatus.COMPLETE, following.message
    assert Payout.objects.count() == 8


def test_another_department_does_not_get_the_mapping(county: Cast) -> None:
    client = Client()
    client.force_login(_department())
    upload = _hand_over(client, _own_file())
    url = reverse("ledger:upload-columns", args=[upload.public_id])
    chosen = {name: str(at) for name, at in NAMED.items()}
    _post(client, url, {**chosen, "mapping_name": "低保花名册", FIELD: new_key()})
    other = Client()
    other.force_login(_department("平昌县林业局", "linye"))
    theirs = _hand_over(other, _own_file(start=10))
    assert theirs.status == UploadStatus.MAPPING
    assert other.get(url).status_code == 404  # nor may it name another's file


def test_a_file_waiting_for_its_columns_can_be_dropped(county: Cast) -> None:
    client = Client()
    client.force_login(_department())
    upload = _hand_over(client, _own_file())
    stored = upload.stored_name
    assert default_storage.exists(stored)
    drop = reverse("ledger:upload-drop", args=[upload.public_id])
    client.post(drop)
    again = client.post(drop)  # a double tap: the second finds it dropped
    assert again.status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REFUSED and not upload.stored_name
    assert not default_storage.exists(stored)
    assert client.get(reverse("ledger:upload-columns", args=[upload.public_id])).status_code == 404


def _named_mapping(user: User) -> ColumnMapping:
    return ColumnMapping.objects.create(
        unit=user.unit,
        name="低保花名册",
        columns={name: OWN[at] for name, at in NAMED.items()},
        made_by=user,
    )


def test_the_api_takes_a_mapping_by_its_name(county: Cast) -> None:
    user = _department()
    _named_mapping(user)
    token = issue_api_token(user=user, name="一卡通平台")
    client = Client()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "mapped-file-0001"}
    unknown = client.post(
        API,
        {"file": SimpleUploadedFile("a.csv", _own_file()), "mapping": "没有这个"},
        headers=headers,
    )
    assert unknown.status_code == 422 and "mapping" in unknown.json()["errors"]
    with _committed[0](execute=True):  # type: ignore[operator]
        pushed = client.post(
            API,
            {"file": SimpleUploadedFile("a.csv", _own_file()), "mapping": "低保花名册"},
            headers=headers,
        )
    assert pushed.status_code == 202, pushed.content
    followed = client.get(f"{API}/{pushed.json()['id']}", headers=headers).json()
    assert followed["status"] == "complete" and followed["mapping"] == "低保花名册"
    assert Payout.objects.count() == 4


def test_a_pushed_file_with_an_unknown_header_is_refused_not_left_waiting(county: Cast) -> None:
    token = issue_api_token(user=_department(), name="一卡通平台")
    client = Client()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "unknown-file-0001"}
    with _committed[0](execute=True):  # type: ignore[operator]
        pushed = client.post(
            API, {"file": SimpleUploadedFile("a.csv", _own_file())}, headers=headers
        )
    upload = PayoutUpload.objects.get(public_id=pushed.json()["id"])
    assert upload.status == UploadStatus.REFUSED and not upload.stored_name
    assert "找不到" in upload.message


def test_the_command_line_takes_a_mapping_by_its_name(county: Cast, tmp_path: Path) -> None:
    _named_mapping(_department())
    path = tmp_path / "低保10月.csv"
    path.write_bytes(_own_file())
    with pytest.raises(CommandError, match="没有名为"):
        call_command("import_payouts", str(path), "--mapping", "别的", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_payouts", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_payouts", str(path), "--mapping", "低保花名册", "--json", stdout=out)
    assert '"mapping": "低保花名册"' in out.getvalue() and Payout.objects.count() == 4


def test_a_department_sees_its_mappings_and_may_delete_one(county: Cast) -> None:
    user = _department()
    mapping = _named_mapping(user)
    client = Client()
    client.force_login(user)
    page = client.get(LIST).content.decode()
    assert 'data-test="mappings"' in page and "低保花名册" in page and "钱数" in page
    other = Client()
    other.force_login(_department("平昌县林业局", "linye"))
    assert "低保花名册" not in other.get(LIST).content.decode()
    forget = reverse("ledger:mapping-forget", args=[mapping.pk])
    other.post(forget)  # another department's: as if it were gone
    assert ColumnMapping.objects.filter(pk=mapping.pk).exists()
    assert client.post(forget).status_code == 302
    assert client.post(forget).status_code == 302  # a second tap finds it gone
    assert not ColumnMapping.objects.exists()
    assert _hand_over(client, _own_file()).status == UploadStatus.MAPPING  # asked again


def test_a_file_with_no_header_keeps_no_row_of_it_in_the_clear(county: Cast) -> None:
    client = Client()
    client.force_login(_department())
    headless = b"\r\n".join(_own_file().split(b"\r\n")[1:])
    upload = _hand_over(client, headless)
    assert upload.status == UploadStatus.MAPPING
    assert upload.columns_seen == [""] * len(OWN)  # the width only: its rows are people's
    page = client.get(reverse("ledger:upload-columns", args=[upload.public_id]))
    assert "彭运芳" not in page.content.decode()


def test_two_crossing_posts_queue_the_file_once(county: Cast) -> None:
    user = _department()
    client = Client()
    client.force_login(user)
    upload = _hand_over(client, _own_file())
    columns = {name: OWN[at] for name, at in NAMED.items()}
    stale = PayoutUpload.objects.get(pk=upload.pk)  # as the second post read it
    name_columns(actor=user, upload=upload, name="低保花名册", columns=columns)
    with pytest.raises(ValidationError):
        name_columns(actor=user, upload=stale, name="另一个", columns=columns)
    assert list(ColumnMapping.objects.values_list("name", flat=True)) == ["低保花名册"]


def test_a_double_tap_on_the_upload_form_hands_the_file_over_once(county: Cast) -> None:
    client = Client()
    client.force_login(_department())
    key = new_key()
    sent = [
        _post(client, LIST, {"file": SimpleUploadedFile("低保10月.csv", _own_file()), FIELD: key})
        for _tap in range(2)
    ]
    assert [response.status_code for response in sent] == [302, 302]
    assert sent[0]["Location"] == sent[1]["Location"]
    assert PayoutUpload.objects.count() == 1
