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


def key_ids() -> set[int]:
    """The ids of the configured keys (each verifies what it signed)."""
    return set(_verifiers(settings.LIANYUN_PUBLICATION_KEYS))


@cache
def _verifiers(spec: str) -> dict[int, Ed25519PublicKey]:
    return {key_id: key.public_key() for key_id, key in _keys(spec)[1].items()}


def verify(key_id: int, signature: str, size: int, root: str, at: str) -> bool:
    public = _verifiers(settings.LIANYUN_PUBLICATION_KEYS).get(key_id)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(signature), message(size, root, at))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- witnesses ---------------------------------------------------------------------------------
# Another body (the county People's Congress office, a newspaper) runs `lianyun witness` and
# co-signs each checkpoint after checking it extends every one it saw before. Its public key is
# configured here as LIANYUN_WITNESSES = "name:base64(32-byte Ed25519 public key),...".


def cosign_message(witness: str, signed_at: str, size: int, root: str, at: str) -> bytes:
    """What a witness signs: who, when, and the checkpoint's own signed message."""
    return f"lianyun cosignature\n{witness}\n{signed_at}\n".encode() + message(size, root, at)


@cache
def _witnesses(spec: str) -> dict[str, Ed25519PublicKey]:
    out = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, key = item.partition(":")
        out[name.strip()] = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.strip()))
    return out


def witnesses() -> dict[str, str]:
    """Each configured witness with its public key (raw 32 bytes, base64)."""
    return {
        name: base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
        for name, key in _witnesses(settings.LIANYUN_WITNESSES).items()
    }


def verify_cosignature(
    witness: str, signature: str, signed_at: str, size: int, root: str, at: str
) -> bool:
    key = _witnesses(settings.LIANYUN_WITNESSES).get(witness)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature), cosign_message(witness, signed_at, size, root, at))
    except (InvalidSignature, ValueError):
        return False
    return True
