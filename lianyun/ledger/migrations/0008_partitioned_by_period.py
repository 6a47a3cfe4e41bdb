"""PostgreSQL: the payout ledger partitioned by period, one partition per month, and its
references checked a statement at a time (docs/ledger-layout.md).

A month's file then lands in one small partition with small, hot indexes; a new month is
loaded into a fresh table, indexed once and attached (ledger.partitions). A partitioned table
can only hold keys that include the period, so the row key and the serial are unique per
period (the row key is a keyed hash of a payout that names its period, so that is the same
thing), and the primary key is (id, period). No foreign key can point at `id` alone: the two
tables that refer to payouts, and the four tables payouts refer to, are checked by
statement-level triggers over the rows each statement touched, as set operations. SQLite keeps
one table and its foreign keys.
"""

from django.db import migrations

# The references of payouts, checked over every statement's new rows (insert, update, COPY).
REFERENCES = """
CREATE FUNCTION ledger_payout_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT batch_id FROM new_rows) n
        WHERE NOT EXISTS (SELECT 1 FROM ledger_payoutbatch t WHERE t.id = n.batch_id)
    ) OR EXISTS (
        SELECT 1 FROM (SELECT DISTINCT item_id FROM new_rows) n
        WHERE NOT EXISTS (SELECT 1 FROM policies_subsidyitem t WHERE t.id = n.item_id)
    ) OR EXISTS (
        SELECT 1 FROM (SELECT DISTINCT village_id FROM new_rows) n
        WHERE NOT EXISTS (SELECT 1 FROM regions_region t WHERE t.id = n.village_id)
    ) OR EXISTS (
        SELECT 1 FROM (SELECT DISTINCT resident_id FROM new_rows WHERE resident_id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT 1 FROM people_resident t WHERE t.id = n.resident_id)
    ) THEN
        RAISE foreign_key_violation USING MESSAGE =
            'ledger_payout: a payout refers to a batch, item, village or resident that does not exist';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_payout_references_insert AFTER INSERT ON ledger_payout
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION ledger_payout_check_references();
CREATE TRIGGER ledger_payout_references_update AFTER UPDATE ON ledger_payout
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION ledger_payout_check_references();
"""

# Rows payouts refer to cannot be deleted while they do (a resident's payouts lose the link,
# as on_delete=SET_NULL says); payouts that disputes or flags refer to cannot be deleted.
REFERENCED = """
CREATE FUNCTION ledger_payout_refuse_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referred boolean;
BEGIN
    IF TG_TABLE_NAME = 'ledger_payoutbatch' THEN
        referred := EXISTS (SELECT 1 FROM ledger_payout p WHERE p.batch_id IN (SELECT id FROM old_rows));
    ELSIF TG_TABLE_NAME = 'policies_subsidyitem' THEN
        referred := EXISTS (SELECT 1 FROM ledger_payout p WHERE p.item_id IN (SELECT id FROM old_rows));
    ELSIF TG_TABLE_NAME = 'regions_region' THEN
        referred := EXISTS (SELECT 1 FROM ledger_payout p WHERE p.village_id IN (SELECT id FROM old_rows));
    ELSE  -- ledger_payout: disputes and flags refer to payouts
        referred := EXISTS (SELECT 1 FROM petitions_petition t WHERE t.payout_id IN (SELECT id FROM old_rows))
            OR EXISTS (SELECT 1 FROM redflags_flag_payouts t WHERE t.payout_id IN (SELECT id FROM old_rows));
    END IF;
    IF referred THEN
        RAISE foreign_key_violation USING MESSAGE =
            TG_TABLE_NAME || ': a row being deleted is still referred to (payouts, disputes, flags)';
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION ledger_payout_unlink_residents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_payout SET resident_id = NULL
    WHERE resident_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE FUNCTION ledger_payout_check_referrers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT payout_id FROM new_rows WHERE payout_id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT 1 FROM ledger_payout p WHERE p.id = n.payout_id)
    ) THEN
        RAISE foreign_key_violation USING MESSAGE =
            TG_TABLE_NAME || ': refers to a payout that does not exist';
    END IF;
    RETURN NULL;
END $$;
"""
REFERENCED_TRIGGERS = [
    ("ledger_payoutbatch", "DELETE", "old_rows", "ledger_payout_refuse_referenced"),
    ("policies_subsidyitem", "DELETE", "old_rows", "ledger_payout_refuse_referenced"),
    ("regions_region", "DELETE", "old_rows", "ledger_payout_refuse_referenced"),
    ("ledger_payout", "DELETE", "old_rows", "ledger_payout_refuse_referenced"),
    ("people_resident", "DELETE", "old_rows", "ledger_payout_unlink_residents"),
    ("petitions_petition", "INSERT", "new_rows", "ledger_payout_check_referrers"),
    ("petitions_petition", "UPDATE", "new_rows", "ledger_payout_check_referrers"),
    ("redflags_flag_payouts", "INSERT", "new_rows", "ledger_payout_check_referrers"),
    ("redflags_flag_payouts", "UPDATE", "new_rows", "ledger_payout_check_referrers"),
]

INDEXES = """
ALTER TABLE ledger_payout ADD CONSTRAINT ledger_payout_pkey PRIMARY KEY (id, period);
ALTER TABLE ledger_payout ADD CONSTRAINT payout_row_key_unique UNIQUE (row_key, period);
ALTER TABLE ledger_payout ADD CONSTRAINT payout_serial_unique UNIQUE (serial, period);
CREATE INDEX ledger_payo_id_numb_114a4b_idx ON ledger_payout (id_number_index, period);
CREATE INDEX ledger_payo_village_82049a_idx ON ledger_payout (village_id, period);
CREATE INDEX ledger_payout_batch_id_7e2ab5c9 ON ledger_payout (batch_id);
CREATE INDEX ledger_payout_resident_id_c56ce776 ON ledger_payout (resident_id);
"""


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """(table, constraint) of every foreign key from or to `table`."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
        "AND (conrelid = %s::regclass OR confrelid = %s::regclass)",
        [table, table],
    )
    return cursor.fetchall()


def partition(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'ledger_payout'::regclass")
        if cursor.fetchone()[0] == "p":
            return  # already partitioned
        for table, name in _foreign_keys(cursor, "ledger_payout"):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute("ALTER TABLE ledger_payout RENAME TO ledger_payout_flat")
        cursor.execute(
            "CREATE TABLE ledger_payout (LIKE ledger_payout_flat INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS) PARTITION BY LIST (period)"
        )
        cursor.execute("CREATE SEQUENCE ledger_payout_id_seq_new OWNED BY ledger_payout.id")
        cursor.execute(
            "SELECT setval('ledger_payout_id_seq_new', "
            "(SELECT coalesce(max(id), 0) + 1 FROM ledger_payout_flat), false)"
        )
        cursor.execute(
            "ALTER TABLE ledger_payout ALTER COLUMN id SET DEFAULT nextval('ledger_payout_id_seq_new')"
        )
        cursor.execute("SELECT DISTINCT period FROM ledger_payout_flat ORDER BY period")
        for (period,) in cursor.fetchall():
            cursor.execute(
                f"CREATE TABLE ledger_payout_{period.replace('-', '_')} PARTITION OF ledger_payout "
                "FOR VALUES IN (%s)",
                [period],
            )
        cursor.execute("INSERT INTO ledger_payout SELECT * FROM ledger_payout_flat")
        cursor.execute("DROP TABLE ledger_payout_flat")
        cursor.execute(INDEXES)  # after the rows: built once, in bulk
        cursor.execute("ALTER SEQUENCE ledger_payout_id_seq_new RENAME TO ledger_payout_id_seq")
        cursor.execute(REFERENCES)
        cursor.execute(REFERENCED)
        for table, event, alias, function in REFERENCED_TRIGGERS:
            cursor.execute(
                f"CREATE TRIGGER ledger_payout_{function.split('_', 2)[2]}_{event.lower()} "
                f"AFTER {event} ON {table} REFERENCING {'OLD' if alias == 'old_rows' else 'NEW'} "
                f"TABLE AS {alias} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_unique_without_pattern_indexes"),
        ("petitions", "0009_named_in_text"),
        ("redflags", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
