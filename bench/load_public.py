"""Public pages under load (issue 11): the home page, the policy list and a village payout
board, each beside a minimal Django page (one template, one query) served by the same
multi-worker gunicorn in the same run; wrk on loopback at 32 connections, requests per second
and the 99th-percentile latency.

With --import-rows N, the three pages are loaded again while the payment platform's file of N
payouts (GBK CSV) is imported through the real importer into the same database, and the
import's own speed is printed beside the same import with nothing else running.

    python bench/load_public.py [--seconds 10] [--connections 32] [--payouts 2000]
        [--postgres URL] [--import-rows 1000000]
Needs wrk (Debian: apt-get install wrk). Redis is used for the cache when REDIS_URL is set,
as in production.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board_rps import VILLAGE, WORKERS, free_port, prepare, serve, wrk  # noqa: E402
from bench.import_payouts import RUN, make_csv  # noqa: E402


def start_import(env: dict[str, str], path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(path)],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def finish_import(process: subprocess.Popen[str]) -> tuple[float, int]:
    out, _ = process.communicate()
    assert process.returncode == 0, out
    elapsed, rows, _peak, _checking = out.split()
    return float(elapsed), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--payouts", type=int, default=2000)
    parser.add_argument("--postgres", metavar="URL", help="serve from PostgreSQL at this URL")
    parser.add_argument("--import-rows", type=int, default=0)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        env = prepare(
            scratch, options.payouts, keep=frozenset({"REDIS_URL"}), postgres=options.postgres
        )
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        pages = {
            "anchor: minimal page": "/bench/minimal/",
            "home page": "/",
            "policy list": "/policies/",
            f"village board ({options.payouts:,} payouts)": f"/payouts/boards/{VILLAGE}/?range=last_month",
        }
        during: dict[str, tuple[float, float]] = {}
        try:
            results = {
                label: wrk(base + p, options.seconds, options.connections)
                for label, p in pages.items()
            }
            if options.import_rows:
                source = scratch / "platform.csv"
                make_csv(options.import_rows, source)
                importing = start_import(env, source)
                time.sleep(2)  # past the start-up, into the rows
                for label, p in list(pages.items())[1:]:
                    during[label] = wrk(base + p, options.seconds, options.connections)
                    assert importing.poll() is None, "the import ended before the load did"
                loaded = finish_import(importing)
        finally:
            server.terminate()
            server.wait()
        if options.import_rows:
            # The same file into the same database again: already imported, nothing written;
            # the anchor is a fresh copy of the import with no load beside it.
            (scratch / "quiet").mkdir()
            env_quiet = prepare(
                scratch / "quiet",
                options.payouts,
                keep=frozenset({"REDIS_URL"}),
                postgres=options.postgres,
            )
            quiet = finish_import(start_import(env_quiet, source))
    cache = "Redis" if env.get("REDIS_URL") else "in-process"
    database = "PostgreSQL" if options.postgres else "SQLite"
    print(
        f"gunicorn, {WORKERS} workers, {database}, {cache} cache; "
        f"wrk -c{options.connections} -d{options.seconds}s on loopback"
    )
    anchor = results["anchor: minimal page"][0]
    for label, (rate, p99) in results.items():
        share = "" if label.startswith("anchor") else f"  = {rate / anchor:.0%} of the anchor"
        print(f"{label:34} {rate:8,.0f} req/s  p99 {p99:7.1f} ms{share}")
    if options.import_rows:
        print(f"while importing {options.import_rows:,} payouts (GBK CSV) into the same database:")
        for label, (rate, p99) in during.items():
            print(f"{label:34} {rate:8,.0f} req/s  p99 {p99:7.1f} ms")
        (seconds, rows), (quiet_seconds, quiet_rows) = loaded, quiet
        assert rows == quiet_rows == options.import_rows
        print(
            f"the import under load {rows / seconds:8,.0f} rows/s ({seconds:.0f} s); "
            f"alone {quiet_rows / quiet_seconds:8,.0f} rows/s ({quiet_seconds:.0f} s)"
        )


if __name__ == "__main__":
    main()
