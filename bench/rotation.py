"""How long `lianyun rotate_data_keys` takes: payouts imported through the real importer (each
with its ID number encrypted), then every value re-encrypted under a new first key, beside the
anchor measured in the same run, decrypting and re-encrypting the same values in memory (the
cryptography alone, no database).

    python bench/rotation.py [--rows 100000] [--postgres URL]
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_payouts import catalogued_database, make_csv, python_words, run_import  # noqa: E402

MEASURE = r"""
import base64, django, os, time
django.setup()
from django.conf import settings
from lianyun.core import crypto
from lianyun.core.rotation import rotate
from lianyun.ledger.models import PAYOUT_ID_CONTEXT, Payout
blobs = [bytes(b) for b in Payout.objects.values_list("id_number_encrypted", flat=True)]
settings.LIANYUN_DATA_KEYS = "2:" + base64.b64encode(os.urandom(32)).decode() + "," + settings.LIANYUN_DATA_KEYS
started = time.perf_counter()
for blob in blobs:
    crypto.encrypt_bytes(crypto.decrypt_bytes(blob, context=PAYOUT_ID_CONTEXT), context=PAYOUT_ID_CONTEXT)
anchor = time.perf_counter() - started
started = time.perf_counter()
result = rotate()
elapsed = time.perf_counter() - started
assert result.keys[2] == result.rewritten + result.current, result
print(len(blobs), anchor, result.rewritten, elapsed)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        source = scratch / "payouts.csv"
        make_csv(options.rows, source)
        env = catalogued_database(scratch, options.postgres)
        run_import(env, source)
        out = python_words(MEASURE, env=env)
    values, anchor, rewritten, elapsed = int(out[0]), float(out[1]), int(out[2]), float(out[3])
    where = "PostgreSQL" if options.postgres else "SQLite"
    print(f"{values:,} payouts' ID numbers ({where}); every other encrypted value besides")
    print(f"anchor  decrypt + encrypt in memory    {values / anchor:10,.0f} values/s")
    print(
        f"figure  lianyun rotate_data_keys       {rewritten / elapsed:10,.0f} values/s "
        f"({rewritten:,} rewritten in {elapsed:.1f} s) = {anchor / elapsed:.0%} of the anchor"
    )


if __name__ == "__main__":
    main()
