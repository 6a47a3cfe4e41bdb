import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.core.cli import bilingual
from lianyun.ledger.importer import ImportRefused
from lianyun.redflags.actions import import_registry
from lianyun.redflags.models import RegistryKind


class Command(BaseCommand):
    help = "Import a reference registry (CSV in UTF-8/GBK or XLSX) for the cross-checks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=RegistryKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON summary line")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)  # noqa: S101 - argparse type
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取 / cannot read {path}: {error}") from None
        try:
            summary = import_registry(kind=str(options["kind"]), data=data, label=path.name)
        except ImportRefused as error:
            raise CommandError(bilingual(error)) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "kind": summary.kind,
                        "rows_read": summary.rows_read,
                        "rows_written": summary.rows_written,
                        "rows_rejected": len({e.row for e in summary.errors}),
                        "sha256": summary.sha256,
                        "already_imported": summary.already_imported,
                    }
                )
            )
        for bad in summary.errors[:50]:
            self.stderr.write(f"第{bad.row}行 {bad.column} {bad.value}: {bad.reason}")
        if summary.errors:
            raise CommandError(
                f"{len({e.row for e in summary.errors})} 行有误，未写入 / rows refused, nothing written"
            )
        if not options["json"]:
            if summary.already_imported:
                self.stdout.write(f"Already imported (sha256 {summary.sha256}); nothing written.")
            else:
                self.stdout.write(
                    f"{summary.rows_read} rows read ({summary.encoding}), "
                    f"{summary.rows_written} written."
                )
