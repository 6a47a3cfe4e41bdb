"""The migration step that cuts stored 64-digit keys to the 32 a fresh key has."""

import pytest
from django.db import connection

from lianyun.core import crypto
from lianyun.core.short_keys import _shorten

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stored_key_cut_in_the_database_equals_the_key_made_now() -> None:
    ids = ["360426199101010071", "51192319500101001X"]
    old = [crypto.blind_index(v, context="people.Resident.id_number") for v in ids]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE short_keys_probe (k varchar(64), n varchar(64))")
        try:
            cursor.executemany(
                "INSERT INTO short_keys_probe (k, n) VALUES (%s, %s)",
                [(old[0], ""), (old[1], None)],
            )
            with connection.schema_editor() as editor:
                _shorten("short_keys_probe", ("k", "n"))(None, editor)
            cursor.execute("SELECT k, n FROM short_keys_probe ORDER BY k")
            rows = set(cursor.fetchall())
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT character_maximum_length, collation_name FROM "
                    "information_schema.columns WHERE table_name = 'short_keys_probe'"
                )
                assert set(cursor.fetchall()) == {(32, "C")}
        finally:
            cursor.execute("DROP TABLE short_keys_probe")
    made_now = [
        crypto.blind_index(v, context="people.Resident.id_number", size=crypto.KEY_BYTES)
        for v in ids
    ]
    assert rows == {(made_now[0], ""), (made_now[1], None)}
