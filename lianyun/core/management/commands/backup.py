import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core import backup


class Command(BaseCommand):
    help = "备份数据库与媒体文件（加密）。 Back up the database and the media files, sealed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup (refuses to overwrite)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} 已存在，不覆盖。 {target} exists; not overwritten.")
        partial = target.with_name(target.name + ".partial")
        with tqdm(unit="表", desc="backup", disable=not sys.stderr.isatty()) as bar:

            def progress(_table: str, _rows: int) -> None:
                bar.update(1)

            try:
                with partial.open("xb") as out:
                    summary = backup.backup(out, progress=progress)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        partial.rename(target)  # a backup file is whole or not there
        self.stdout.write(
            f"备份完成 / backed up: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files, {summary.bytes} bytes, sha256 {summary.sha256}"
        )
