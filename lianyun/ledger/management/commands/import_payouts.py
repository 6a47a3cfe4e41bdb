import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core.cli import bilingual
from lianyun.ledger.actions import import_payouts, in_order, text_recipients
from lianyun.ledger.importer import ImportRefused
from lianyun.ledger.models import ColumnMapping, PayoutBatch
from lianyun.ledger.queries import mappings_named


def _mappings(name: object, department: object) -> list[ColumnMapping | None]:
    """The mapping --mapping names (within --department), or the shipped aliases alone."""
    if not name:
        return [None]
    found = [
        mapping
        for mapping in mappings_named(str(name))
        if not department or (mapping.unit is not None and mapping.unit.name == department)
    ]
    if not found:
        raise CommandError(f"没有名为 {name} 的列名对应 / no column mapping is named {name}")
    if len(found) > 1:
        units = ", ".join(mapping.unit.name if mapping.unit else "-" for mapping in found)
        raise CommandError(
            f"多个部门有名为 {name} 的列名对应（{units}），请用 --department 指明 / "
            f"several departments have a mapping named {name} ({units}): name one with "
            "--department"
        )
    return [found[0]]


class Command(BaseCommand):
    help = "Import a payout file (CSV in UTF-8/GBK/GB18030, or XLSX) from the one-card platform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="write the good rows and keep the bad ones in quarantine",
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON summary line at the end"
        )
        parser.add_argument("--report", type=Path, help="where to write the error report (CSV)")
        parser.add_argument(
            "--mapping",
            metavar="NAME",
            help="read the file with the column mapping of this name, as a department named "
            "it on the upload page",
        )
        parser.add_argument(
            "--department",
            metavar="NAME",
            help="whose mapping, when several departments have one of that name",
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help="text each paid recipient with a phone on file a payment notice",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)  # noqa: S101 - argparse type
        try:
            data = path.open("rb")  # read in blocks by the importer, never whole
        except OSError as error:
            raise CommandError(f"无法读取 / cannot read {path}: {error}") from None
        mappings = _mappings(options["mapping"], options["department"])
        quiet = bool(options["json"]) or not sys.stderr.isatty()
        with data, tqdm(unit="行", desc="checking", disable=quiet) as bar:

            def show(phase: str, rows: int) -> None:
                if phase == "checked":
                    bar.set_description("writing")
                    bar.reset()
                else:
                    bar.update(rows)

            try:
                summary = import_payouts(
                    data=data,
                    source="cli",
                    label=path.name,
                    accept_valid=bool(options["accept_valid"]),
                    progress=in_order(show),
                    mappings=mappings,
                )
            except ImportRefused as error:
                raise CommandError(bilingual(error)) from None
        if options["notify"] and not summary.refused and not summary.already_imported:
            batch = PayoutBatch.objects.get(sha256=summary.sha256)
            sent = text_recipients(batch_id=batch.pk)
            self.stderr.write(f"{sent} payment notices texted")
        if summary.errors:
            report = options["report"] or path.with_name(path.name + ".errors.csv")
            assert isinstance(report, Path)  # noqa: S101
            report.write_bytes(summary.error_report())
            self.stderr.write(f"{summary.rows_rejected} rows rejected; report: {report}")
        if options["json"]:
            self.stdout.write(summary.as_json())
        elif summary.already_imported:
            self.stdout.write(f"Already imported (sha256 {summary.sha256}); nothing written.")
        else:
            self.stdout.write(
                f"{summary.rows_read} rows read ({summary.encoding}), {summary.rows_written} written, "
                f"{summary.rows_rejected} rejected, {summary.duplicates} already in the ledger, "
                f"total {summary.amount_total} yuan."
            )
            for line in summary.passed_over:
                self.stdout.write(line.replace("\n", " / "))
            for each in summary.rewritten:
                form = each["form"].replace("\n", " / ")
                self.stdout.write(f"{each['column']}: {form} × {each['rows']}")
        if summary.refused:
            raise CommandError(
                "文件有错误行，未写入任何数据 / the file has bad rows; nothing was written "
                "(use --accept-valid to write the good rows)"
            )
