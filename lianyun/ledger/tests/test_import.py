import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.db import connection

from lianyun.ledger import columnar
from lianyun.ledger.actions import import_payouts, in_order, writing
from lianyun.ledger.importer import ImportRefused
from lianyun.ledger.models import BatchStatus, Payout, PayoutBatch
from lianyun.testing import (
    PAYOUT_HEADER,
    Cast,
    Killed,
    dies_after_writing,
    every_cell_as_text,
    payout_csv,
    payout_rows,
)

RARE = "王\U0002a6a5"  # a 4-byte GB18030 character, not in GBK
HEADER = PAYOUT_HEADER


def _rows(n: int, *, start: int = 0, names: list[str] | None = None) -> list[list[str]]:
    return payout_rows(n, start=start, names=names)


def _csv(rows: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADER) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + payout_csv(rows, "utf-8", header)
    return payout_csv(rows, encoding, header)


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"), ("gbk", "GBK")]
)
def test_the_encodings_are_detected_and_names_come_through_intact(
    county: Cast, encoding: str, label: str
) -> None:
    rows = _rows(6, names=["彭运芳", "欧阳娜娜", "冯用文"])
    summary = import_payouts(
        data=_csv(rows, encoding if encoding != "utf-8-sig" else "utf-8-sig"), source="cli"
    )
    assert summary.encoding == label
    assert summary.rows_written == 6
    assert set(Payout.objects.values_list("name", flat=True)) == {"彭运芳", "欧阳娜娜", "冯用文"}
    assert summary.amount_total == sum(Decimal(r[5]) for r in rows)


def test_a_gb18030_file_keeps_a_rare_four_byte_name_and_stores_no_replacement_character(
    county: Cast,
) -> None:
    summary = import_payouts(data=_csv(_rows(3, names=[RARE]), "gb18030"), source="cli")
    assert summary.encoding == "GB18030"
    assert Payout.objects.filter(name=RARE).count() == 3
    assert "\ufffd" not in "".join(Payout.objects.values_list("name", flat=True))


def test_an_undecodable_file_is_refused_with_the_byte_offset(county: Cast) -> None:
    data = _csv(_rows(2), "utf-8") + b"\xff\xfe\xfd\x80\x80"
    with pytest.raises(ImportRefused, match="字节"):
        import_payouts(data=data, source="cli")
    assert not PayoutBatch.objects.exists()


def test_the_platforms_field_codes_are_understood(county: Cast) -> None:
    header = [
        "chb010",
        "aac002",
        "aac003",
        "chi031",
        "aae209",
        "aae019",
        "chb204",
        "chb017",
        "chb018",
        "村代码",
        "aae010",
    ]
    summary = import_payouts(data=_csv(_rows(4), header=header), source="api")
    assert summary.rows_written == 4


def test_an_unknown_layout_is_refused_with_the_expected_columns(county: Cast) -> None:
    with pytest.raises(ImportRefused) as caught:
        import_payouts(data="甲,乙,丙\n1,2,3\n".encode(), source="cli")
    assert "身份证号" in str(caught.value) and "发放期号" in str(caught.value)


def test_bad_rows_write_nothing_and_come_back_as_a_report(county: Cast) -> None:
    rows = _rows(5)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # wrong check digit
    rows[2][3] = "不存在的补贴"
    rows[3][4] = "202613"
    rows[4][5] = '=HYPERLINK("x")'
    summary = import_payouts(data=_csv(rows), source="cli")
    assert summary.refused
    assert summary.rows_rejected == 4
    assert not Payout.objects.exists()
    report = summary.error_report().decode("utf-8-sig")
    assert "校验码" in report and "不是政策清单中的补贴项目" in report and "202609" in report
    assert "3," in report and "4," in report  # row numbers (the header is row 1)
    assert rows[1][1] not in report  # ID numbers are masked in the report
    assert "'=HYPERLINK" in report  # formula neutralised


def test_accept_valid_writes_the_good_rows_and_quarantines_the_rest(county: Cast) -> None:
    rows = _rows(5)
    rows[0][5] = "-3"
    summary = import_payouts(data=_csv(rows), source="cli", accept_valid=True)
    assert (summary.rows_written, summary.rows_rejected) == (4, 1)
    batch = PayoutBatch.objects.get()
    assert batch.status == BatchStatus.COMPLETE
    assert batch.quarantine_encrypted and rows[0][1].encode() not in bytes(
        batch.quarantine_encrypted
    )


def test_the_same_file_twice_writes_nothing_the_second_time(county: Cast) -> None:
    data = _csv(_rows(10))
    first = import_payouts(data=data, source="cli")
    again = import_payouts(data=data, source="cli")
    assert first.rows_written == 10
    assert again.already_imported
    assert Payout.objects.count() == 10
    # A different file repeating five of the payouts writes only the new ones.
    overlapping = import_payouts(data=_csv(_rows(10, start=5)), source="cli")
    assert (overlapping.rows_written, overlapping.duplicates) == (5, 5)
    assert Payout.objects.count() == 15


def test_an_import_killed_midway_resumes_to_exactly_the_source(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "ROWS", 7)
    rows = _rows(30)
    data = _csv(rows)

    with pytest.raises(Killed):
        import_payouts(data=data, source="cli", progress=dies_after_writing(2))
    batch = PayoutBatch.objects.get()
    assert batch.status == BatchStatus.IMPORTING
    # PostgreSQL: a month the ledger did not hold appears whole or not at all; its first two
    # chunks wait in a table of their own (test_layout.py resumes into a month it holds).
    assert Payout.objects.count() == (0 if connection.vendor == "postgresql" else 14)
    summary = import_payouts(data=data, source="cli")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMPLETE
    assert Payout.objects.count() == 30 == summary.rows_written
    assert sum(Payout.objects.values_list("amount", flat=True)) == sum(Decimal(r[5]) for r in rows)


def test_payouts_link_to_the_registry_and_keep_no_plaintext_numbers(county: Cast) -> None:
    number, person = next(iter(county.residents.items()))
    rows = _rows(2)
    rows[0][1] = number
    import_payouts(data=_csv(rows), source="cli")
    assert Payout.objects.get(serial=rows[0][0]).resident == person
    dump = every_cell_as_text()
    for row in rows:
        assert row[1] not in dump
        assert row[10] not in dump
    assert Payout.objects.get(serial=rows[1][0]).account_last4 == rows[1][10][-4:]


def test_the_command_prints_one_json_summary_line(
    county: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "payouts.csv"
    path.write_bytes(_csv(_rows(3), "gbk"))
    call_command("import_payouts", str(path), "--json")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (line["rows_read"], line["rows_written"], line["rows_rejected"]) == (3, 3, 0)
    assert len(line["sha256"]) == 64 and line["already_imported"] is False
    call_command("import_payouts", str(path), "--json")
    assert json.loads(capsys.readouterr().out.strip())["already_imported"] is True


def test_the_command_refuses_a_file_with_bad_rows(county: Cast, tmp_path: Path) -> None:
    rows = _rows(2)
    rows[0][2] = ""
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv(rows))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_payouts", str(path))
    assert (tmp_path / "bad.csv.errors.csv").exists()
    assert not Payout.objects.exists()


def _xlsx(rows: list[list[str]], *, extra_xml: bytes = b"") -> bytes:
    def cell(value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c t="inlineStr"><is><t>{escaped}</t></is></c>'

    sheet = "".join(f"<row>{''.join(cell(v) for v in row)}</row>" for row in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            extra_xml
            + b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="发放明细" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>',
        )
    return out.getvalue()


def test_an_xlsx_file_is_read_with_calamine(county: Cast) -> None:
    summary = import_payouts(data=_xlsx([HEADER, *_rows(5)]), source="upload")
    assert summary.encoding == "XLSX"
    assert summary.rows_written == 5


def test_an_xlsx_declaring_xml_entities_is_refused(county: Cast) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
    )
    with pytest.raises(ImportRefused, match="XML"):
        import_payouts(data=_xlsx([HEADER, *_rows(1)], extra_xml=laughs), source="upload")


def test_a_zip_bomb_is_refused_before_expansion(county: Cast) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(ImportRefused, match="解压后过大"):
        import_payouts(data=out.getvalue(), source="upload")


def test_an_open_file_is_read_in_blocks_with_the_same_outcome_as_its_bytes(
    county: Cast, tmp_path: Path
) -> None:
    """The command hands over the open file; a bad byte past the first block is still found
    at its exact offset, and nothing is written."""
    rows = _rows(12_000)  # some 1.3 MB: more than one block
    good = _csv(rows, "gbk")
    cut = good.index(b"\r\n", 1_100_000) + 2
    bad = good[:cut] + b"\x81\x20" + good[cut:]
    (tmp_path / "bad.csv").write_bytes(bad)
    with (tmp_path / "bad.csv").open("rb") as handle, pytest.raises(ImportRefused) as refused:
        import_payouts(data=handle, source="cli")
    assert refused.value.params == {"offset": cut}
    assert not PayoutBatch.objects.exists()
    (tmp_path / "good.csv").write_bytes(good)
    with (tmp_path / "good.csv").open("rb") as handle:
        summary = import_payouts(data=handle, source="cli")
    assert summary.encoding == "GBK"
    assert summary.rows_written == 12_000 == Payout.objects.count()
    assert summary.sha256 == hashlib.sha256(good).hexdigest()
    assert import_payouts(data=good, source="cli").already_imported


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps them in a stage")
def test_the_checked_rows_wait_on_disk_only_sealed(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the file is read once; its finished rows of months the ledger holds wait for
    the write in a stash that holds no ID number or account in the clear and is sealed under a
    key only the import holds."""
    import_payouts(data=_csv(_rows(1, start=100)), source="cli")  # PostgreSQL: a month held
    kept: list[bytes] = []
    put = columnar.Stash.put

    def watched(self: columnar.Stash, block: pl.DataFrame) -> None:
        assert not set(columnar.CLEAR) & set(block.columns)
        put(self, block)
        self._file.flush()
        kept.append(Path(f"/proc/self/fd/{self._file.fileno()}").read_bytes())

    monkeypatch.setattr(columnar.Stash, "put", watched)
    monkeypatch.setattr(columnar, "SMALL", 0)  # the worker processes, too
    monkeypatch.setattr(columnar, "BLOCK", 2048)  # bytes of the file at a time
    rows = _rows(50)
    summary = import_payouts(data=_csv(rows), source="cli")
    assert summary.rows_written == 50 == Payout.objects.count() - 1
    assert len(kept) > 1 and len(kept[-1]) > len(kept[0])
    for row in rows:
        for clear in (row[1], row[2], row[10]):  # ID number, name, account
            assert all(clear.encode() not in disk for disk in kept)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps them in a stash")
def test_the_checked_rows_wait_in_the_stage_finished(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the finished rows wait for the write in a temporary table of the importing
    connection, which holds no ID number or account in the clear and goes with the import."""
    staged: list[tuple[object, ...]] = []
    put = writing._Stage.put

    def watched(self: writing._Stage, block: pl.DataFrame) -> None:
        assert not set(columnar.CLEAR) & set(block.columns)
        put(self, block)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM temp.{writing._Stage.TABLE}")  # noqa: S608
            staged.extend(cursor.fetchall())

    monkeypatch.setattr(writing._Stage, "put", watched)
    monkeypatch.setattr(columnar, "BLOCK", 2048)  # bytes of the file at a time
    rows = _rows(50)
    summary = import_payouts(data=_csv(rows), source="cli")
    assert summary.rows_written == 50 == Payout.objects.count()
    assert len(staged) > 50  # every block, read back after each was added
    text = repr(staged)
    for row in rows:
        for clear in (row[1], row[10]):  # ID number, account
            assert clear not in text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_temp_master WHERE name = %s", [writing._Stage.TABLE]
        )
        assert cursor.fetchall() == []


def test_progress_is_told_in_order_with_early_writes_after_the_check() -> None:
    told: list[tuple[str, int]] = []
    progress = in_order(lambda phase, count: told.append((phase, count)))
    for event in [("checking", 5), ("writing", 3), ("checking", 4), ("writing", 2)]:
        progress(*event)
    progress("checked", 9)
    progress("writing", 4)
    assert told == [
        ("checking", 5),
        ("checking", 4),
        ("checked", 9),
        ("writing", 5),
        ("writing", 4),
    ]


# What Excel or WPS does to an ID or account number kept in a "General" column.
SCIENTIFIC_ID = "5.11923E+17"
SCIENTIFIC_ACCOUNT = "6.21700E+18"


def test_numbers_excel_kept_as_numbers_are_refused_with_how_to_fix_them(county: Cast) -> None:
    rows = _rows(4)
    rows[2][1] = SCIENTIFIC_ID  # a later row: its own error says what happened
    rows[1][10] = SCIENTIFIC_ACCOUNT  # an account would otherwise keep the wrong digits
    rows[3][1] = rows[3][1][:15] + "000"  # written out in full, the digits past 15 are zeros
    summary = import_payouts(data=_csv(rows), source="cli")
    assert summary.refused and summary.rows_rejected == 3
    assert not Payout.objects.exists()
    report = summary.error_report().decode("utf-8-sig")
    assert report.count("末尾几位已经丢失") == 3 and report.count("文本") == 3
    assert "应为 18 位" not in report


def test_a_file_whose_id_numbers_excel_kept_as_numbers_is_refused_at_its_first_row(
    county: Cast,
) -> None:
    rows = _rows(3)
    rows[0][1] = SCIENTIFIC_ID
    with pytest.raises(ImportRefused) as caught:
        import_payouts(data=_csv(rows), source="cli")
    assert "第 2 行" in str(caught.value) and "身份证号" in str(caught.value)
    assert "末尾几位已经丢失" in str(caught.value)
    assert not PayoutBatch.objects.filter(status=BatchStatus.COMPLETE).exists()


def test_an_xlsx_with_id_numbers_in_number_cells_is_refused_at_its_first_row(
    county: Cast,
) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("发放明细")
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(_rows(2), start=1):
        sheet.write_row(number, 0, row)
        sheet.write_number(number, 1, float(row[1]))  # typed in a cell formatted "General"
    book.close()
    with pytest.raises(ImportRefused) as caught:
        import_payouts(data=out.getvalue(), source="upload")
    assert "第 2 行" in str(caught.value) and "5.11923E+17" in str(caught.value)
