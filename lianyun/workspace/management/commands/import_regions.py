from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.core.cli import LocalizedError, bilingual
from lianyun.workspace.actions import import_regions


class Command(BaseCommand):
    help = (
        "导入本县乡镇与村（统计用区划代码）及各级单位。 "
        "Load the county's towns and villages (statistical codes) and their units."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX: 统计用区划代码, 名称")
        parser.add_argument(
            "--departments",
            metavar="FILE",
            help="county departments, one name a line (UTF-8), e.g. 平昌县民政局",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        departments = []
        if options["departments"]:
            departments = Path(options["departments"]).read_text("utf-8").splitlines()
        try:
            result = import_regions(Path(options["file"]).read_bytes(), departments=departments)
        except LocalizedError as error:
            raise CommandError(bilingual(error)) from None
        self.stdout.write(
            f"新建 / created {result.created} regions, 改名 / renamed {result.renamed}, "
            f"新建单位 / created {result.units} units"
        )
