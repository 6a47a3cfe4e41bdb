import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.ledger.actions import publish_boards
from lianyun.regions.models import RegionKind
from lianyun.regions.queries import region_by_code, regions_within, villages

PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class Command(BaseCommand):
    help = (
        "Publish every village's payout board for the periods (the county's, or a town's with "
        "--region) into the publication record under one signed checkpoint. A board whose "
        "content is already published is left as it is; a changed one is a correction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("first", help="the first period, YYYY-MM")
        parser.add_argument("last", nargs="?", help="the last period (default: the first)")
        parser.add_argument("--region", default="", help="a town's or the county's code")

    def handle(self, *args: object, **options: object) -> None:
        first, code = str(options["first"]), str(options["region"])
        last = str(options["last"] or first)
        if not (PERIOD.fullmatch(first) and PERIOD.fullmatch(last)) or first > last:
            raise CommandError(
                "期间应为 YYYY-MM / periods are YYYY-MM, the first not after the last"
            )
        if code:
            region = region_by_code(code)
            if region is None:
                raise CommandError(f"没有此地区 / no region {code}")
            chosen = list(regions_within(region, kind=RegionKind.VILLAGE).order_by("code"))
        else:
            chosen = list(villages().order_by("code"))
        published, unchanged = publish_boards(villages=chosen, first=first, last=last, actor=None)
        self.stdout.write(
            f"发布 {published} 个村公示栏，{unchanged} 个未变 / published {published} boards, "
            f"{unchanged} unchanged, under one checkpoint"
        )
