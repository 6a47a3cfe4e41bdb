"""Public pages under load (issue 11): the home page, the policy list and a village payout
board, each beside a minimal Django page (one template, one query) served by the same
multi-worker gunicorn in the same run; wrk on loopback at 32 connections, requests per second
and the 99th-percentile latency.

    python bench/load_public.py [--seconds 10] [--connections 32] [--payouts 2000]
Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board_rps import VILLAGE, free_port, prepare, serve, wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--payouts", type=int, default=2000)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as scratch_name:
        env = prepare(Path(scratch_name), options.payouts, keep=frozenset({"REDIS_URL"}))
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        pages = {
            "anchor: minimal page": "/bench/minimal/",
            "home page": "/",
            "policy list": "/policies/",
            f"village board ({options.payouts:,} payouts)": f"/payouts/boards/{VILLAGE}/?range=last_month",
        }
        try:
            results = {
                label: wrk(base + p, options.seconds, options.connections)
                for label, p in pages.items()
            }
        finally:
            server.terminate()
            server.wait()
    cache = "Redis" if env.get("REDIS_URL") else "in-process"
    print(
        f"gunicorn, {os.cpu_count()} workers, {cache} cache; wrk -c{options.connections} "
        f"-d{options.seconds}s on loopback"
    )
    anchor = results["anchor: minimal page"][0]
    for label, (rate, p99) in results.items():
        share = "" if label.startswith("anchor") else f"  = {rate / anchor:.0%} of the anchor"
        print(f"{label:34} {rate:8,.0f} req/s  p99 {p99:7.1f} ms{share}")


if __name__ == "__main__":
    main()
