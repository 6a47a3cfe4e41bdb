"""Personal payout lookup against a large ledger: server time of the whole lookup (the POST that
checks the limits and the second factor and writes the audit row, then the GET of the statement
it redirects to; DEBUG off, as served) beside the anchor, a raw indexed
query for the same person's year of payouts, timed in the same run on the same rows.

The ledger is filled with SQL (generate_series on PostgreSQL, a recursive CTE on SQLite): --people
residents with cards own 10 payouts each, and filler rows of other people make up --rows.

    python bench/lookup.py [--rows 10000000] [--people 1000] [--lookups 500] [--postgres URL]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_payouts import python_words  # noqa: E402

FILL = r"""
import django, datetime, json, random, sys, time
django.setup()
from pathlib import Path
from django.db import connection, transaction
from lianyun.core.idnumbers import synthetic_id_number
from lianyun.demo.generator import Generator, SCALES
from lianyun.ledger.models import Payout, PayoutBatch
from lianyun.people.models import Household, Resident
from lianyun.policies.actions import import_catalogue
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region

rows, people = int(sys.argv[1]), int(sys.argv[2])
g = Generator(1, SCALES["small"]); made = g.regions(); g.units(made)
import_catalogue(json.loads(Path("lianyun/policies/data/catalogue.json").read_text("utf-8")))
village = Region.objects.get(code="511923103201")
item = SubsidyItem.objects.get(code="dibao").pk
batch = PayoutBatch.objects.create(sha256="0" * 64, source="bench", status="complete")
rng = random.Random(5)
household = Household.objects.create(number="9999", village=village)
lines = []
for n in range(people):
    number = synthetic_id_number(rng, region_code="511923", birth_date=datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28), is_male=bool(n % 2))
    person = Resident(name="彭运芳", birth_date=datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28), is_male=bool(n % 2), village=village, household=household)
    person.set_id_number(number)
    card = f"S{n:08d}"
    person.set_card_number(card)
    person.save()
    lines.append(f"{number},{card}")
Path(sys.argv[3]).write_text("\n".join(lines))
started = time.perf_counter()
table = Payout._meta.db_table
filler = rows - people * 10
with transaction.atomic(), connection.cursor() as cursor:
    cols = "batch_id,row_key,id_number_encrypted,id_number_index,id_number_masked,name,resident_id,item_id,period,amount,paid_on,village_id,account_last4,status,failure_reason,category,account_index"
    if connection.vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT %s, md5(g::text) || md5('r' || g), '\\x00'::bytea, "
            "md5((g / 10)::text) || md5('p' || (g / 10)), '5****************1', '某某', NULL, %s, "
            "'2026-' || lpad((1 + g %% 10)::text, 2, '0'), 300.50, DATE '2026-10-15', %s, '1234', 'paid', '', '', '' "
            "FROM generate_series(1, %s) AS g",
            [batch.pk, item, village.pk, filler],
        )
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT %s, md5('own' || r.id || '-' || m), '\\x00'::bytea, "
            "r.id_number_index, r.id_number_masked, r.name, r.id, %s, '2026-' || lpad(m::text, 2, '0'), 300.50, "
            "DATE '2026-10-15', %s, '1234', 'paid', '', '', '' FROM people_resident r CROSS JOIN generate_series(1, 10) AS m",
            [batch.pk, item, village.pk],
        )
        cursor.execute(f"ANALYZE {table}")
    else:
        cursor.execute(
            f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s) "
            f"INSERT INTO {table} ({cols}) SELECT %s, printf('%%064x', n), x'00', "
            "printf('%%032x%%032x', n / 10, (n / 10) * 7919), '5****************1', '某某', NULL, %s, "
            "printf('2026-%%02d', 1 + n %% 10), 300.50, '2026-10-15', %s, '1234', 'paid', '', '', '' FROM g",
            [filler, batch.pk, item, village.pk],
        )
        cursor.execute(
            f"WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < 10) "
            f"INSERT INTO {table} ({cols}) SELECT %s, printf('own-%%d-%%d', r.id, m.k), x'00', "
            "r.id_number_index, r.id_number_masked, r.name, r.id, %s, printf('2026-%%02d', m.k), 300.50, "
            "'2026-10-15', %s, '1234', 'paid', '', '', '' FROM people_resident r, m",
            [batch.pk, item, village.pk],
        )
        cursor.execute("ANALYZE")
if connection.vendor == "postgresql":
    # A ledger villagers look up has long been vacuumed: done here, so that autovacuum's pass
    # over the rows just written does not run during the measurement.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("CHECKPOINT")
print(time.perf_counter() - started)
"""

MEASURE = r"""
import django, random, statistics, sys, time
from urllib.parse import urlencode
django.setup()
from pathlib import Path
from django.db import connection
from django.test import Client
from lianyun.ledger.models import Payout
from lianyun.people.models import id_number_index

lookups = int(sys.argv[2])
people = [line.split(",") for line in Path(sys.argv[1]).read_text().splitlines()]
rng = random.Random(11)
chosen = [rng.choice(people) for _ in range(lookups)]
table = Payout._meta.db_table
raw, served = [], []
with connection.cursor() as cursor:
    for number, card in chosen:
        index = id_number_index(number)
        started = time.perf_counter()
        cursor.execute(
            f"SELECT item_id, period, amount, paid_on, status FROM {table} "
            "WHERE id_number_index = %s AND period >= %s AND period <= %s",
            [index, "2026-01", "2026-12"],
        )
        assert len(cursor.fetchall()) == 10
        raw.append(time.perf_counter() - started)
# One handler for the run, as one server process serves many; each lookup comes from a new
# browser (no cookies) and sends the form as a browser does, urlencoded.
client = Client()
def ask(number, card):
    # A lookup as the browser makes it: the POST proves the person and answers 303, the GET
    # that follows shows the statement.
    client.cookies.clear()
    body = urlencode({"name": "彭运芳", "id_number": number, "card_number": card, "year": "2026"})
    proved = client.post("/payouts/mine/", body, content_type="application/x-www-form-urlencoded")
    assert proved.status_code == 303, proved.status_code
    return client.get(proved["Location"])
for number, card in people[:20]:  # warm up: templates, translations, connections
    ask(number, card)
for number, card in chosen:
    started = time.perf_counter()
    response = ask(number, card)
    served.append(time.perf_counter() - started)
    assert response.content.count(b'data-test="dispute"') == 10, response.content[:300]
def q(values, p):
    return statistics.quantiles(values, n=100)[p - 1] * 1000
print(statistics.median(raw) * 1000, q(raw, 99), statistics.median(served) * 1000, q(served, 99))
"""


def prepare_ledger(
    scratch: Path, rows: int, people: int, postgres: str | None, settings: str = "config.settings"
) -> tuple[dict[str, str], Path, float]:
    """A fresh database (SQLite in scratch, or a new one beside the PostgreSQL one named) with
    the ledger filled; the environment that serves it, the people's file (ID number, card
    number per line) and the seconds the fill took."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(LIANYUN_DATA_DIR=str(scratch), DJANGO_SETTINGS_MODULE=settings)
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS lianyun_bench")
            conn.execute("CREATE DATABASE lianyun_bench")
        env["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/lianyun_bench"
    subprocess.run(
        [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    path = scratch / "people.txt"
    filled = python_words(FILL, str(rows), str(people), str(path), env=env)
    return env, path, float(filled[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--postgres", metavar="URL")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        env, people, filled = prepare_ledger(
            Path(scratch_name), options.rows, options.people, options.postgres, "bench.settings"
        )
        out = python_words(MEASURE, str(people), str(options.lookups), env=env)
        raw50, raw99, served50, served99 = (float(x) for x in out)
        where = "PostgreSQL" if options.postgres else "SQLite"
        print(
            f"ledger rows={options.rows:,} ({where}, filled in {filled:.0f} s), lookups={options.lookups}"
        )
        print(
            f"anchor  raw indexed query, one person's year   p50 {raw50:7.2f} ms  p99 {raw99:7.2f} ms"
        )
        print(
            f"figure  POST /payouts/mine/ + GET statement  p50 {served50:7.2f} ms  p99 {served99:7.2f} ms"
            f"  (p50 = {served50 / raw50:.0f}x the anchor)"
        )


if __name__ == "__main__":
    main()
