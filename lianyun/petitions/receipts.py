"""Receipts for following a petition without an account.

A receipt is 28 base32 characters, shown in groups of four: 8 locate the petition (40 bits,
stored in clear), 20 are the secret (100 bits from the operating system's CSPRNG, stored
only as an Argon2id hash).
"""

import base64
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

LOCATOR_LENGTH = 8
SECRET_LENGTH = 20
SECRET_BITS = SECRET_LENGTH * 5
_FORMAT = re.compile(r"^[A-Z2-7]{28}$")
_hasher = PasswordHasher()
# Verified against when the locator is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("lianyun-no-such-receipt")


@dataclass(frozen=True)
class Receipt:
    locator: str
    secret: str

    @property
    def text(self) -> str:
        raw = self.locator + self.secret
        return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_receipt() -> Receipt:
    raw = base64.b32encode(secrets.token_bytes(18)).decode()  # 144 bits → 28 characters used
    return Receipt(
        locator=raw[:LOCATOR_LENGTH], secret=raw[LOCATOR_LENGTH : LOCATOR_LENGTH + SECRET_LENGTH]
    )


def parse_receipt(text: str) -> Receipt | None:
    """Normalise what a person typed (spaces, dashes, lower case); None if malformed."""
    raw = re.sub(r"[\s\-]", "", text).upper()
    if not _FORMAT.match(raw):
        return None
    return Receipt(locator=raw[:LOCATOR_LENGTH], secret=raw[LOCATOR_LENGTH:])


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def secret_matches(secret: str, hashed: str | None) -> bool:
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, secret) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False
