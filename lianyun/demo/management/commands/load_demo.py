import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core.cli import bilingual
from lianyun.demo.actions import DEMO_PASSWORD, DemoError, load_demo
from lianyun.demo.generator import SCALES

# What each demo account sees first, and something to try there.
LANDS = {
    "villager": ("/me/", "我的: own petitions, questions, surveys, the village's meetings"),
    "integrity": ("/workspace/", "the village's 三务公开 and what waits for supervision"),
    "cadre": ("/workspace/", "the village's notices, questions to answer, items to put right"),
    "inspector": ("/workspace/", "村居巡检: the group's villages; log a visit on a phone"),
    "town": ("/workspace/", "the town's petition queue, leads, 驾驶舱, flags to confirm"),
    "county": ("/workspace/", "驾驶舱, 大数据比对, the assessment of towns, the question bank"),
    "department": ("/workspace/", "民政局: its policies and payout files"),
    "custodian": ("/workspace/", "requests to see a petitioner's identity"),
    "auditor": ("/workspace/", "the audit log and the publication record"),
    "admin": ("/workspace/", "accounts and settings"),
}


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
        quiet = bool(options["no_progress"])

        def step(part: str) -> None:
            if not quiet:
                self.stderr.write(f"[{time.perf_counter() - started:6.1f} s] {part}…")

        with tqdm(
            total=total, unit="户", desc="households", disable=bool(options["no_progress"]) or None
        ) as bar:
            try:
                summary = load_demo(
                    seed=int(options["seed"]),  # type: ignore[call-overload]
                    scale=str(options["scale"]),
                    reset=bool(options["reset"]),
                    progress=bar.update,
                    step=step,
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
        self.stdout.write(
            "\nWhere each account lands after signing in at /accounts/login/ (officials add the "
            "code their authenticator app shows for the TOTP secret above; a villager needs none):"
        )
        for account in summary.accounts:
            lands, tries = LANDS.get(account.username, ("/workspace/", ""))
            self.stdout.write(
                f"  {account.username:<12}{account.region_name:<8} → {lands:<14}{tries}"
            )
        town = [a.username for a in summary.accounts if a.region.startswith("511923103")]
        self.stdout.write(
            f"\nOne town's full set of roles, all in 佛楼镇: {', '.join(town)}. Sign in as each "
            "in turn to follow a petition from the villager to the town commission and back."
        )
