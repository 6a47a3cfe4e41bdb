"""S14: an import killed with SIGKILL at random moments and run again ends with exactly the
source's rows and money, no row twice.

Runs `lianyun import_payouts FILE --json` on a generated GBK file, kills it with SIGKILL after a
random delay (while checking or while writing), --kills times, then lets the last run finish and
compares the ledger with the file. Prints each kill's moment and what the ledger held then.

    python bench/kill_resume.py [--rows 1000000] [--kills 3] [--postgres URL]
"""

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_payouts import SETUP, fresh_postgres, make_csv  # noqa: E402

COUNT = """
import django
django.setup()
from django.db.models import Count, Sum
from lianyun.ledger.models import Payout, PayoutBatch
seen = Payout.objects.aggregate(n=Count("id"), total=Sum("amount"), keys=Count("row_key", distinct=True))
batch = PayoutBatch.objects.first()
print(seen["n"], seen["total"] or 0, seen["keys"], batch.status if batch else "-")
"""


def ledger(env: dict[str, str]) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", COUNT], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL")
    options = parser.parse_args()
    rng = random.Random()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        path = scratch / "payouts.csv"
        make_csv(options.rows, path)
        with path.open(encoding="gbk", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        expected_total = sum(Decimal(row[5]) for row in rows)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(LIANYUN_DATA_DIR=str(scratch / "db"), DJANGO_SETTINGS_MODULE="config.settings")
        if options.postgres:
            env["DATABASE_URL"] = fresh_postgres(options.postgres)
        subprocess.run(
            [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT)
        command = [sys.executable, "-m", "lianyun.manage", "import_payouts", str(path), "--json"]
        full = options.rows / 15_000  # seconds a whole import roughly takes here
        for kill in range(options.kills):
            run = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            delay = rng.uniform(0.05, 0.9) * full
            time.sleep(delay)
            if run.poll() is not None:
                print(f"kill {kill + 1}: the import had already finished after {delay:.1f} s")
                break
            os.kill(run.pid, signal.SIGKILL)
            run.wait()
            n, total, keys, status = ledger(env)
            print(
                f"kill {kill + 1}: SIGKILL after {delay:6.1f} s; the ledger held {int(n):>9,} rows ({status})"
            )
        finished = subprocess.run(
            command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        n, total, keys, status = ledger(env)
        print(f"final run: {finished.stdout.strip().splitlines()[-1][:160]}")
        print(f"source  {options.rows:>9,} rows  {expected_total} yuan")
        print(
            f"ledger  {int(n):>9,} rows  {Decimal(total)} yuan  {int(keys):,} distinct keys  batch {status}"
        )
        ok = (
            int(n) == options.rows == int(keys)
            and Decimal(total) == expected_total
            and status == "complete"
        )
        print("S14:", "exactly the source" if ok else "MISMATCH")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
