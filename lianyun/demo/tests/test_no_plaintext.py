"""S11 for the demo: no ID, card, account or phone number in clear anywhere in the database."""

import io
import re

import pytest
from django.core.management import call_command
from stdnum.cn import ric

from lianyun.core import crypto
from lianyun.demo.actions import load_demo
from lianyun.people.models import BANK_CONTEXT, CARD_CONTEXT, ID_CONTEXT, PHONE_CONTEXT, Resident
from lianyun.testing import every_cell_as_text

pytestmark = pytest.mark.django_db

ID_PATTERN = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9])")
# Hash-chain digests (audit log, publication record) are long hex strings; about one SHA-256
# digest in ten thousand holds 18 decimal digits in a row with a matching check digit (19 in
# 200,000 random ones), and the demo writes thousands: they are not ID numbers. Nor are the
# random UUIDs of survey rows, which SQLite stores as 32 hex digits.
HEX_DIGEST = re.compile(r"[0-9a-f]{32,}")


def test_a_dump_of_the_demo_holds_no_plaintext_personal_numbers() -> None:
    load_demo(seed=3, scale="small")
    secrets: set[str] = set()
    for resident in Resident.objects.all():
        secrets.add(crypto.decrypt(resident.id_number_encrypted, context=ID_CONTEXT))
        if resident.card_number_encrypted:
            secrets.add(crypto.decrypt(resident.card_number_encrypted, context=CARD_CONTEXT))
        if resident.bank_account_encrypted:
            secrets.add(crypto.decrypt(resident.bank_account_encrypted, context=BANK_CONTEXT))
        if resident.phone_encrypted:
            secrets.add(crypto.decrypt(resident.phone_encrypted, context=PHONE_CONTEXT))
    assert len(secrets) > 1000

    raw = every_cell_as_text()
    dumped = io.StringIO()
    call_command("dumpdata", stdout=dumped)
    for text in (HEX_DIGEST.sub(" ", raw), HEX_DIGEST.sub(" ", dumped.getvalue())):
        valid_ids = [
            m
            for m in ID_PATTERN.findall(text)
            if ric.is_valid(m) or ric.calc_check_digit(m) == m[-1]
        ]
        assert valid_ids == []
        leaked = [secret for secret in secrets if secret in text]
        assert leaked == []
