"""How long the default demo county takes to load, beside an anchor measured in the same run.

Anchor: `lianyun migrate` of an empty database on the same disk — the fixed cost every
start pays, so the ratio stays meaningful on a slow or busy machine. Each figure is the
median of --runs runs, each into a fresh SQLite database.

    python bench/demo_load.py [--scale standard] [--runs 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def timed(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "lianyun.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="standard")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    migrate_times, load_times, summary = [], [], ""
    for _ in range(options.runs):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env["LIANYUN_DATA_DIR"] = data_dir
            seconds, _ = timed(env, "migrate", "--noinput", "-v0")
            migrate_times.append(seconds)
            seconds, output = timed(env, "load_demo", "--scale", options.scale, "--no-progress")
            load_times.append(seconds)
            summary = output.splitlines()[0]
    migrate, load = statistics.median(migrate_times), statistics.median(load_times)
    rows = re.search(r"(\d+) residents", summary)
    print(f"scale={options.scale} runs={options.runs}: {summary}")
    print(f"anchor  migrate empty database      median {migrate:6.2f} s")
    print(
        f"figure  load_demo (whole command)   median {load:6.2f} s   = {load / migrate:.1f} x anchor"
    )
    if rows:
        print(f"        residents per second        {int(rows.group(1)) / load:,.0f}")


if __name__ == "__main__":
    main()
