import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core.cli import bilingual
from lianyun.demo.actions import DEMO_PASSWORD, DemoError, load_demo
from lianyun.demo.generator import SCALES


class Command(BaseCommand):
    help = "Load the synthetic demo county (平昌县). Deterministic for a given seed and scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="standard",
            help="small: 4 towns for tests; standard: the whole county with tens "
            "of thousands of residents; county: about 1.1 million residents",
        )
        parser.add_argument("--reset", action="store_true", help="replace a county already loaded")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        scale = SCALES[str(options["scale"])]
        total = scale.towns * scale.villages_per_town * scale.households_per_village
        started = time.perf_counter()
        with tqdm(
            total=total, unit="户", desc="households", disable=bool(options["no_progress"]) or None
        ) as bar:
            try:
                summary = load_demo(
                    seed=int(options["seed"]),  # type: ignore[call-overload]
                    scale=str(options["scale"]),
                    reset=bool(options["reset"]),
                    progress=bar.update,
                )
            except DemoError as error:
                raise CommandError(bilingual(error)) from None
        elapsed = time.perf_counter() - started
        made = summary.county
        self.stdout.write(
            f"Loaded {len(made.towns)} towns, {len(made.villages)} villages, {made.households} "
            f"households, {made.residents} residents, {made.posts} posts, {made.relatives} "
            f"declared relatives in {elapsed:.1f} s."
        )
        self.stdout.write(f"{summary.payouts} one-card payouts imported.")
        if summary.lookup:
            name, number, card = summary.lookup
            self.stdout.write(
                f"Try the payout lookup at /payouts/mine/ as {name}, ID {number}, card {card} "
                "(synthetic)."
            )
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'username':<12}{'role':<20}{'region':<14}TOTP secret")
        for account in summary.accounts:
            self.stdout.write(
                f"  {account.username:<12}{account.role:<20}{account.region:<14}{account.totp_secret or '-'}"
            )
