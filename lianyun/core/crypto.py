"""Encryption of personal data at rest and the blind index that finds it.

Ciphertext layout: one byte format version, one byte key id, 12-byte nonce, AES-256-GCM
ciphertext with tag. The associated data names the field ("people.Resident.id_number"),
so a ciphertext copied into another field or table does not decrypt.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = 1
NONCE_BYTES = 12
SHA256_BLOCK = 64


class DecryptionError(Exception):
    """The ciphertext was tampered with, truncated, or made with an unknown key."""


def key_list(spec: str, setting: str) -> tuple[int, dict[int, bytes]]:
    """A key setting "id:base64(32 bytes),...": the first key's id and every key by id. The
    data keys, the backup keys and the publication keys are all written this way."""
    keys: dict[int, bytes] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id_text, _, encoded = part.partition(":")
        try:
            key_id = int(key_id_text)
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting} entries look like 1:<base64 of 32 bytes>"
            ) from None
        if not 0 < key_id < 256 or len(raw) != 32:
            raise ImproperlyConfigured(f"each {setting} key needs an id 1-255 and 32 bytes")
        keys[key_id] = raw
    if not keys:
        raise ImproperlyConfigured(f"{setting} holds no key")
    return next(iter(keys)), keys


@cache
def _parse_keys(spec: str) -> tuple[int, dict[int, AESGCM]]:
    current, keys = key_list(spec, "LIANYUN_DATA_KEYS")
    return current, {key_id: AESGCM(raw) for key_id, raw in keys.items()}


def _keys() -> tuple[int, dict[int, AESGCM]]:
    return _parse_keys(settings.LIANYUN_DATA_KEYS)


def encrypt(plaintext: str, *, context: str) -> bytes:
    return encrypt_bytes(plaintext.encode(), context=context)


def decrypt(blob: bytes, *, context: str) -> str:
    return decrypt_bytes(blob, context=context).decode()


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """Encrypt a file's content; the layout is that of encrypt()."""
    return _bytes_encrypter(context)(data)


def _bytes_encrypter(context: str) -> Callable[[bytes], bytes]:
    """Encryption under the current data key, in the layout the module's docstring gives."""
    key_id, keys = _keys()
    aead, head, associated = keys[key_id], bytes([FORMAT_VERSION, key_id]), context.encode()

    def seal(data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return head + nonce + aead.encrypt(nonce, data, associated)

    return seal


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    blob = bytes(blob)
    if len(blob) < 2 + NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionError("not a lianyun ciphertext")
    _, keys = _keys()
    key = keys.get(blob[1])
    if key is None:
        raise DecryptionError(f"unknown key id {blob[1]}")
    try:
        return key.decrypt(blob[2 : 2 + NONCE_BYTES], blob[2 + NONCE_BYTES :], context.encode())
    except InvalidTag:
        raise DecryptionError("ciphertext failed authentication") from None


def key_id_of(blob: bytes) -> int:
    return bytes(blob)[1]


def current_key_id() -> int:
    return _keys()[0]


@cache
def _index_key(spec: str) -> bytes:
    return base64.b64decode(spec)


def blind_index(value: str, *, context: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value: equal inputs give equal, unguessable tokens."""
    message = context.encode() + b"\x00" + value.encode()
    return hmac.digest(_index_key(settings.LIANYUN_INDEX_KEY), message, hashlib.sha256).hex()


def blind_indexer(context: str) -> Callable[[str], str]:
    """blind_index(value, context=context) for many values, without redoing the keyed part.

    HMAC (RFC 2104) is SHA-256 over the key padded and XORed with 0x5c, then the SHA-256 of the
    key XORed with 0x36 and the message. Both keyed states, and the context that starts every
    message, are hashed once here; each value then costs two short SHA-256 runs.
    """
    key = _index_key(settings.LIANYUN_INDEX_KEY)
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK, b"\x00")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key) + context.encode() + b"\x00")
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def index(value: str) -> str:
        digest = inner.copy()
        digest.update(value.encode())
        keyed = outer.copy()
        keyed.update(digest.digest())
        return keyed.hexdigest()

    return index


def encrypter(context: str) -> Callable[[str], bytes]:
    """encrypt(text, context=context) for many values: the key is looked up once."""
    seal = _bytes_encrypter(context)
    return lambda text: seal(text.encode())


class OneTimeSeal:
    """AES-256-GCM under a fresh random key kept only in memory, for data that must touch the
    disk for a moment (an import's checked rows): once the object is gone, nobody can read it.
    Each blob is sealed under its own number, so blobs cannot be swapped or reordered."""

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))

    def seal(self, number: int, data: bytes) -> bytes:
        return self._aead.encrypt(number.to_bytes(NONCE_BYTES, "big"), data, None)

    def open(self, number: int, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(number.to_bytes(NONCE_BYTES, "big"), blob, None)
        except InvalidTag:
            raise DecryptionError("sealed blob changed or out of order") from None
