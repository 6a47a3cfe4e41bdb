from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.core.cli import bilingual
from lianyun.redflags.actions import crosscheck, export, fingerprints
from lianyun.redflags.models import Flag
from lianyun.redflags.rules import RULES


class Command(BaseCommand):
    help = "Run the cross-checks over the ledger and the registries; new findings become flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rules", help=f"comma-separated, of: {', '.join(RULES)}")
        parser.add_argument("--since", default="", help="first period to scan, YYYY-MM")
        parser.add_argument(
            "--incremental", action="store_true", help="only what batches since the last run touch"
        )
        parser.add_argument("--export", type=Path, help="write this run's flags as JSON lines")

    def handle(self, *args: object, **options: object) -> None:
        names = [r.strip() for r in str(options["rules"] or "").split(",") if r.strip()]
        since = str(options["since"] or "")
        if since and (len(since) != 7 or since[4] != "-"):
            raise CommandError("期号格式为 YYYY-MM / the period is YYYY-MM")
        try:
            summary = crosscheck(
                rule_names=names or None,
                since=since,
                incremental=bool(options["incremental"]),
                progress=lambda phase: self.stderr.write(f"… {phase}"),
            )
        except ValidationError as error:
            raise CommandError(bilingual(error)) from None
        run = summary.run
        self.stdout.write(
            f"{run.payouts_scanned} payouts scanned, {run.findings} findings, "
            f"{run.flags_new} new flags ({', '.join(run.rules)})."
        )
        path = options["export"]
        if isinstance(path, Path):
            # Every flag this run found (new, or flagged by an earlier run), by fingerprint.
            flags = list(
                Flag.objects.filter(fingerprint__in=fingerprints(summary.findings))
                .select_related("village", "item")
                .order_by("pk")
            )
            written = export(flags, path)
            self.stdout.write(f"{written} flags written to {path}")
