"""Public pages under load (issue 11): the home page, the policy list and a village payout
board, each beside a minimal Django page (one template, one query) served by the same
multi-worker gunicorn in the same run; wrk on loopback at 32 connections, requests per second
and the 99th-percentile latency.

    python bench/load_public.py [--seconds 10] [--connections 32] [--payouts 2000]
Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board_rps import SETUP, VILLAGE, free_port, payout_file, serve  # noqa: E402

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second and p99 latency in milliseconds."""
    urllib.request.urlopen(url, timeout=10).read()  # noqa: S310 - loopback; warms the caches
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert rate and p99 and not errors, out
    return float(rate.group(1)), float(p99.group(1)) * UNITS[p99.group(2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--payouts", type=int, default=2000)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
        env.update(LIANYUN_DATA_DIR=str(scratch), DJANGO_SETTINGS_MODULE="bench.settings")
        path = scratch / "payouts.csv"
        payout_file(options.payouts, path)
        subprocess.run(
            [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        subprocess.run(
            [sys.executable, "-c", SETUP, str(path), str(options.payouts)],
            env=env,
            check=True,
            cwd=ROOT,
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
