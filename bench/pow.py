"""Proof of work: what a challenge costs the server (issue and check) beside one keyed hash,
and what it costs a client at each level, solved here with the same PBKDF2 the phone's
WebCrypto runs (a phone is several times slower than this machine's core).

    python bench/pow.py [--levels 0 1 2 4 6] [--solves 20]
"""

import argparse
import hashlib
import hmac
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LIANYUN_DATA_DIR", str(ROOT / "var" / "bench-pow"))


def median_of_3(run, n: int) -> float:
    """Seconds per call, the median of three runs of n calls."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(n):
            run()
        runs.append((time.perf_counter() - started) / n)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, nargs="+", default=[0, 1, 2, 4, 6])
    parser.add_argument("--solves", type=int, default=20)
    options = parser.parse_args()
    import django

    django.setup()
    import altcha
    from django.conf import settings
    from django.core.cache import cache

    from lianyun.core import pow
    from lianyun.testing import request_from

    conf = settings.LIANYUN_POW
    key = b"k" * 32
    anchor = median_of_3(lambda: hmac.digest(key, b"lianyun", hashlib.sha256), 20000)
    issue = median_of_3(lambda: pow.challenge(request_from("203.0.113.1"), "petition"), 200)

    def solved_payload() -> str:
        issued = altcha.Challenge.from_dict(pow.challenge(request_from("203.0.113.2"), "petition"))
        solution = altcha.solve_challenge(issued)
        return altcha.Payload(issued, solution).to_base64()  # type: ignore[arg-type]

    cache.clear()
    payloads = [solved_payload() for _ in range(200)]
    check = median_of_3(
        lambda: pow.solved(request_from("203.0.113.3"), "petition", payloads.pop()), 60
    )
    print(
        f"cost {conf['cost']} PBKDF2 iterations a try, counter below {conf['counter']} x 2**level"
    )
    print(f"anchor  one HMAC-SHA256                 {anchor * 1e6:8.1f} us")
    print(f"server  issue a challenge              {issue * 1e6:8.1f} us  ({issue / anchor:,.0f}x)")
    print(f"server  check a solution               {check * 1e6:8.1f} us  ({check / anchor:,.0f}x)")
    for level in options.levels:
        times = []
        for _ in range(options.solves):
            issued = altcha.create_challenge(
                conf["algorithm"],
                conf["cost"],
                counter=int.from_bytes(os.urandom(4)) % (conf["counter"] << level),
                hmac_secret=os.urandom(16).hex(),
            )
            started = time.perf_counter()
            altcha.solve_challenge(issued)
            times.append(time.perf_counter() - started)
        print(
            f"client  level {level:2d}: median {statistics.median(times) * 1000:8.1f} ms, "
            f"slowest {max(times) * 1000:8.1f} ms of {options.solves} (one core of this machine)"
        )


if __name__ == "__main__":
    main()
