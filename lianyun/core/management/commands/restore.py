import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core import backup


class Command(BaseCommand):
    help = (
        "把备份恢复到空数据库。 Restore a backup into an empty database (migrated to the "
        "backup's state, filled, then migrated to this version)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"找不到备份文件 {source}。 No backup file {source}.")
        with tqdm(unit="表", desc="restore", disable=not sys.stderr.isatty()) as bar:

            def progress(_table: str, _rows: int) -> None:
                bar.update(1)

            try:
                with source.open("rb") as handle:
                    summary = backup.restore(handle, progress=progress)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            f"恢复完成 / restored: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files. Run `lianyun verify_publications` and `lianyun verify_audit`."
        )
