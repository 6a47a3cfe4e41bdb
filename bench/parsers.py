"""S16 and S18 by measurement: how long the importers take on hostile input, and how much
memory a bomb costs before it is refused.

1. Time: the inputs of tests/security/test_s16_fuzz.py (random bytes, mangled valid files,
   hostile cells) fed to every importer, --examples each; the slowest and the 99th percentile,
   beside the same importer on its valid seed file in the same run. S16 wants no input over 1 s.
2. Memory: in a fresh process each, a zip bomb (50 MiB of zeros in one member), a billion-laughs
   XML member and a workbook of 400 members handed to the payout importer and the exam bank:
   the peak of what Python allocates while the importer handles the file (tracemalloc), beside
   the same for a valid 100-row file, and the process's whole peak resident memory (Django,
   migrations and the file itself included). S18 wants the peak under 256 MB.

    python bench/parsers.py [--examples 300]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_payouts import python_words  # noqa: E402

MEMORY = r"""
import io, resource, sys, tracemalloc, zipfile
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from lianyun.testing import build_cast, commissions, load_catalogue, payout_csv, payout_rows
cast = build_cast(); commissions(cast); load_catalogue(cast)
from lianyun.ledger.actions import import_payouts
from lianyun.exams.actions import import_bank

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB on Linux

def bomb(kind):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if kind == "zeros":
            z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * (50 << 20) + b"</a>")
        elif kind == "laughs":
            lol = '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + "".join(
                f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)
            ) + "]><l>&j;</l>"
            z.writestr("xl/sharedStrings.xml", lol)
        else:  # many members, each harmless, together large
            for n in range(400):
                z.writestr(f"xl/media/m{n}.bin", b"\0" * (2 << 20))
    return out.getvalue()

kind, target = sys.argv[1], sys.argv[2]
data = payout_csv(payout_rows(100)) if kind == "valid" else bomb(kind)
tracemalloc.start()
tracemalloc.reset_peak()
try:
    if target == "payouts":
        result = import_payouts(data=data, source="cli")
        outcome = "refused" if result.refused else f"{result.rows_written} rows"
    else:
        import_bank(data=data, actor=cast.county_inspector.user)
        outcome = "taken"
except Exception as error:
    outcome = f"refused ({type(error).__name__})"
handled = tracemalloc.get_traced_memory()[1] / (1 << 20)
print(f"{handled:.1f} {peak():.1f} {outcome}")
"""


def _measure(strategy: object, run: object, examples: int) -> list[float]:
    from hypothesis import HealthCheck, given, settings

    from tests.security import test_s16_fuzz as fuzz

    spent: list[float] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=strategy)
    def measure(value: object) -> None:
        t0 = time.perf_counter()
        fuzz._refused_or_taken(lambda: run(value))  # type: ignore[operator]
        spent.append(time.perf_counter() - t0)

    measure()
    return spent


def _timed(importers: dict, examples: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for name, (strategy, run) in importers.items():
        times[name] = _measure(strategy, run, examples)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=300)
    options = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="lianyun-bench-parsers-")
    os.environ["LIANYUN_DATA_DIR"] = scratch
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from lianyun.exams.actions import BANK_HEADER, import_bank
    from lianyun.ledger.actions import import_payouts
    from lianyun.petitions.receipts import parse_receipt
    from lianyun.policies.actions import import_catalogue
    from lianyun.redflags.actions import import_registry
    from lianyun.testing import build_cast, commissions, load_catalogue, payout_csv, payout_rows
    from tests.security import test_s16_fuzz as fuzz

    cast = build_cast()
    commissions(cast)
    load_catalogue(cast)
    actor = cast.county_inspector.user
    importers = {
        "payout file": (fuzz.payout_files(), lambda d: import_payouts(data=d, source="cli")),
        "registry file": (
            fuzz.registry_files(),
            lambda c: import_registry(kind=c[0], data=c[1], actor=actor),
        ),
        "exam bank": (fuzz.bank_files(), lambda d: import_bank(data=d, actor=actor)),
        "policy catalogue": (fuzz.catalogues(), import_catalogue),
        "holiday calendar": (fuzz.calendars(), fuzz.load_calendar_year),
        "typed receipt": (fuzz.st.text(max_size=80), parse_receipt),
    }
    seeds = {
        "payout file": lambda: import_payouts(
            data=payout_csv(payout_rows(5, start=900)), source="cli"
        ),
        "exam bank": lambda: fuzz._refused_or_taken(
            lambda: import_bank(data=fuzz._xlsx([BANK_HEADER]), actor=actor)
        ),
    }
    anchors = {}
    for name, run in seeds.items():
        t0 = time.perf_counter()
        run()
        anchors[name] = time.perf_counter() - t0
    times = _timed(importers, options.examples)
    print(f"S16: {options.examples} hostile inputs per importer (tests/security/test_s16_fuzz.py)")
    for name, spent in times.items():
        ordered = sorted(spent)
        p99 = ordered[int(0.99 * (len(ordered) - 1))]
        anchor = (
            f"   anchor: its valid seed file {1000 * anchors[name]:.1f} ms"
            if name in anchors
            else ""
        )
        verdict = "ok" if ordered[-1] < 1 else "OVER 1 s"
        print(
            f"  {name:17} median {1000 * statistics.median(spent):7.1f} ms  p99 {1000 * p99:7.1f} ms"
            f"  slowest {1000 * ordered[-1]:7.1f} ms  {verdict}{anchor}"
        )
    print("S18: memory while the importer handles the file; the process's peak RSS (limit 256 MB)")
    for kind, target in (
        ("valid", "payouts"),
        ("zeros", "payouts"),
        ("laughs", "payouts"),
        ("members", "payouts"),
        ("zeros", "bank"),
        ("laughs", "bank"),
    ):
        env = os.environ | {"LIANYUN_DATA_DIR": tempfile.mkdtemp(prefix="lianyun-bench-bomb-")}
        out = python_words(MEMORY, kind, target, env=env)
        label = "anchor: a valid 100-row file" if kind == "valid" else f"{kind} bomb"
        print(
            f"  {target:8} {label:30} {float(out[0]):6.1f} MiB allocated  (process peak {float(out[1]):6.1f} MiB)"
            f"  {' '.join(out[2:])}"
        )


if __name__ == "__main__":
    main()
