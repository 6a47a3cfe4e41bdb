"""Requests per second of a village board for a month with 2,000 payouts, beside a minimal
Django page (one template, one query) served by the same multi-worker server (gunicorn, one
worker per core) in the same run, both measured with wrk on loopback.

Also shown, for the record: the same board with the cache switched off (every request builds
the board from the ledger).

    python bench/board_rps.py [--payouts 2000] [--seconds 10] [--connections 16]
Needs wrk (Debian: apt-get install wrk) and the bench extra (pip install -e '.[bench]').
"""

import argparse
import csv
import datetime
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VILLAGE = "511923103201"

SETUP = """
import django, json, sys
django.setup()
from pathlib import Path
from lianyun.demo.generator import Generator, SCALES
from lianyun.ledger.actions import import_payouts
from lianyun.policies.actions import import_catalogue
g = Generator(1, SCALES["small"]); made = g.regions(); g.units(made)
import_catalogue(json.loads(Path("lianyun/policies/data/catalogue.json").read_text("utf-8")))
summary = import_payouts(data=Path(sys.argv[1]).read_bytes(), source="cli")
assert summary.rows_written == int(sys.argv[2]), summary
"""


def payout_file(count: int, path: Path) -> str:
    """A month of payouts for one village; returns the period."""
    import random

    sys.path.insert(0, str(ROOT))
    from lianyun.core.idnumbers import synthetic_id_number

    today = datetime.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    rng = random.Random(3)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["业务流水号", "身份证号", "姓名", "补贴项目", "发放期号", "金额", "发放时间", "村代码"]
    )
    items = ["低保金", "高龄津贴", "耕地地力保护补贴", "森林生态效益补偿"]
    for n in range(count):
        born = datetime.date(1940 + n % 60, 1 + n % 12, 1 + n % 28)
        writer.writerow(
            [
                f"R{n:08d}",
                synthetic_id_number(
                    rng, region_code="511923", birth_date=born, is_male=bool(n % 2)
                ),
                rng.choice(["彭运芳", "欧阳娜娜", "冯用文", "袁建国"]),
                items[n % 4],
                f"{month:%Y%m}",
                f"{100 + n % 400}.00",
                f"{month:%Y-%m}-15",
                VILLAGE,
            ]
        )
    path.write_bytes(out.getvalue().encode("gbk"))
    return f"{month:%Y-%m}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WORKERS = 2 * (os.cpu_count() or 1) + 1  # what deploy/gunicorn.conf.py starts by default


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """gunicorn as shipped (deploy/gunicorn.conf.py: its workers, its access log), on port."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "config.wsgi",
            "--log-level",
            "warning",
        ],
        env={**env, "LIANYUN_BIND": f"127.0.0.1:{port}", "LIANYUN_WORKERS": str(WORKERS)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log: written, as in production, and dropped
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(
    url: str, seconds: int, connections: int, script: Path | None = None, *args: str
) -> str:
    """wrk's report on url (with a Lua script and its arguments, if given)."""
    with_script = ["-s", str(script)] if script else []
    return subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *with_script, url]
        + (["--", *args] if args else []),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def wrk_rate(out: str) -> float:
    """Requests per second from wrk's report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rate, out
    return float(rate.group(1))


def wrk_latency(out: str, percent: int) -> float:
    """That percentile of latency in milliseconds from wrk's report (run with --latency)."""
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
    assert found, out
    return float(found.group(1)) * UNITS[found.group(2)]


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second and the 99th-percentile latency in milliseconds."""
    urllib.request.urlopen(url, timeout=10).read()  # noqa: S310 - loopback; warms the cache
    out = run_wrk(url, seconds, connections)
    assert not re.search(r"Non-2xx or 3xx responses: (\d+)", out), out
    return wrk_rate(out), wrk_latency(out, 99)


def prepare(
    scratch: Path,
    payouts: int,
    *,
    keep: frozenset[str] = frozenset(),
    postgres: str | None = None,
) -> dict[str, str]:
    """A fresh database with one village's month of payouts, and the environment that serves
    it: SQLite in scratch, or a new database beside the PostgreSQL one named. DATABASE_URL and
    REDIS_URL are otherwise dropped unless named in keep."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"} - keep}
    env.update(LIANYUN_DATA_DIR=str(scratch), DJANGO_SETTINGS_MODULE="bench.settings")
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS lianyun_bench_pages")
            conn.execute("CREATE DATABASE lianyun_bench_pages")
        env["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/lianyun_bench_pages"
    path = scratch / "payouts.csv"
    payout_file(payouts, path)
    subprocess.run(
        [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    subprocess.run(
        [sys.executable, "-c", SETUP, str(path), str(payouts)], env=env, check=True, cwd=ROOT
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payouts", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as scratch_name:
        env = prepare(Path(scratch_name), options.payouts)
        board_path = f"/payouts/boards/{VILLAGE}/?range=last_month"
        results = {}
        for label, extra in (("cached", {}), ("uncached", {"BENCH_NO_CACHE": "1"})):
            port = free_port()
            server = serve({**env, **extra}, port)
            try:
                base = f"http://127.0.0.1:{port}"
                if label == "cached":
                    results["minimal"] = wrk(
                        base + "/bench/minimal/", options.seconds, options.connections
                    )[0]
                results[label] = wrk(base + board_path, options.seconds, options.connections)[0]
            finally:
                server.terminate()
                server.wait()
        print(
            f"board of {options.payouts:,} payouts in one month; gunicorn, {WORKERS} workers; wrk -c{options.connections} -d{options.seconds}s"
        )
        print(f"anchor  minimal page (one template, one query) {results['minimal']:9,.0f} req/s")
        print(
            f"figure  village board, first page             {results['cached']:9,.0f} req/s  = {results['cached'] / results['minimal']:.0%} of the anchor"
        )
        print(
            f"        the same board, cache off             {results['uncached']:9,.0f} req/s  = {results['uncached'] / results['minimal']:.0%} of the anchor"
        )


if __name__ == "__main__":
    main()
