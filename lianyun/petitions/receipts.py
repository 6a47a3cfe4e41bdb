"""Receipts for following a petition without an account.

A receipt is 28 base32 characters, shown in groups of four: 8 locate the petition (40 bits,
stored in clear), 20 are the secret (100 bits from the operating system's CSPRNG, stored only
as a keyed HMAC-SHA256 under the index key, which is kept outside the database).

A slow password hash (Argon2) earns nothing on a 100-bit random secret: no guessing, online or
offline, comes near 2**100 tries. It did cost 0.1-0.3 s of processor time per check and per
petition, inside the write transaction: a lever for anyone who sends checks in bulk, and the
reason fifty petitions at once queued past SQLite's busy timeout. Receipts stored as Argon2
hashes before this change still verify, and are stored again as HMACs the first time they do.
"""

import base64
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lianyun.core import crypto

LOCATOR_LENGTH = 8
SECRET_LENGTH = 20
SECRET_BITS = SECRET_LENGTH * 5
_FORMAT = re.compile(r"^[A-Z2-7]{28}$")
HASH_CONTEXT = "petitions.receipt"
HMAC_PREFIX = "hmac-sha256$"
_argon2 = PasswordHasher()  # only to verify receipts stored before HMACs


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
    return HMAC_PREFIX + crypto.blind_index(secret, context=HASH_CONTEXT)


def is_legacy(hashed: str) -> bool:
    """A receipt stored as an Argon2 hash, to be stored again as an HMAC once it matches."""
    return hashed.startswith("$argon2")


def secret_matches(secret: str, hashed: str | None) -> bool:
    """Whether the secret is the stored one. An unknown locator (hashed None) costs the same
    HMAC and comparison as a wrong secret."""
    if hashed is not None and is_legacy(hashed):
        try:
            return _argon2.verify(hashed, secret)
        except (VerificationError, InvalidHashError):
            return False
    computed = hash_secret(secret)
    return hmac.compare_digest(computed, hashed or HMAC_PREFIX) and hashed is not None
