"""Checkpoints signed with the county's publication key (Ed25519), so a printed or copied
checkpoint proves it came from this site: someone able to rewrite the database could recompute
every Merkle root, but not sign them without the key, which lives outside the database.

``LIANYUN_PUBLICATION_KEYS`` is "id:base64(32-byte Ed25519 seed),...": the first signs, all of
them verify (rotation: put a new key first and keep the old one for the old checkpoints). The
public keys are published at /publications/keys.json and on the publication page."""

import base64
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from lianyun.core.crypto import key_list


@cache
def _keys(spec: str) -> tuple[int, dict[int, Ed25519PrivateKey]]:
    current, seeds = key_list(spec, "LIANYUN_PUBLICATION_KEYS")
    return current, {k: Ed25519PrivateKey.from_private_bytes(seed) for k, seed in seeds.items()}


def message(size: int, root: str, at: str) -> bytes:
    """What is signed: the checkpoint's size, root and time, one per line, nothing else."""
    return f"lianyun checkpoint\n{size}\n{root}\n{at}\n".encode()


def sign(size: int, root: str, at: str) -> tuple[int, str]:
    key_id, keys = _keys(settings.LIANYUN_PUBLICATION_KEYS)
    return key_id, base64.b64encode(keys[key_id].sign(message(size, root, at))).decode()


def public_keys() -> dict[int, str]:
    """Every key id with its public key (raw 32 bytes, base64), for anyone to verify with."""
    return {
        key_id: base64.b64encode(
            key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        ).decode()
        for key_id, key in _keys(settings.LIANYUN_PUBLICATION_KEYS)[1].items()
    }


def verify(key_id: int, signature: str, size: int, root: str, at: str) -> bool:
    public = public_keys().get(key_id)
    if public is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).verify(
            base64.b64decode(signature), message(size, root, at)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
