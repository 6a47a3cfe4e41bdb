import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from lianyun.core import crypto

CONTEXT = "people.Resident.id_number"


def test_round_trip() -> None:
    blob = crypto.encrypt("360426199101010071", context=CONTEXT)
    assert crypto.decrypt(blob, context=CONTEXT) == "360426199101010071"
    assert b"360426199101010071" not in blob


def test_the_same_plaintext_encrypts_differently_each_time() -> None:
    assert crypto.encrypt("x", context=CONTEXT) != crypto.encrypt("x", context=CONTEXT)


def test_every_flipped_byte_is_rejected() -> None:
    blob = crypto.encrypt("360426199101010071", context=CONTEXT)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bytes(tampered), context=CONTEXT)


def test_a_ciphertext_moved_to_another_field_does_not_decrypt() -> None:
    blob = crypto.encrypt("360426199101010071", context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, context="people.Resident.card_number")


def test_truncated_ciphertext_is_rejected() -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(b"\x01\x01short", context=CONTEXT)


def _key(key_id: int) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def test_a_rotated_in_key_encrypts_while_the_old_one_still_decrypts() -> None:
    old, new = _key(1), _key(2)
    with override_settings(LIANYUN_DATA_KEYS=old):
        blob = crypto.encrypt("secret", context=CONTEXT)
    with override_settings(LIANYUN_DATA_KEYS=f"{new},{old}"):
        assert crypto.decrypt(blob, context=CONTEXT) == "secret"
        fresh = crypto.encrypt("secret", context=CONTEXT)
        assert crypto.key_id_of(fresh) == 2
    with override_settings(LIANYUN_DATA_KEYS=new), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, context=CONTEXT)


@pytest.mark.parametrize(
    "spec", ["", "1:notbase64!", "1:" + base64.b64encode(b"short").decode(), "x:abc"]
)
def test_bad_key_settings_fail_loudly(spec: str) -> None:
    with override_settings(LIANYUN_DATA_KEYS=spec), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context=CONTEXT)


def test_blind_index_is_stable_keyed_and_context_bound() -> None:
    first = crypto.blind_index("360426199101010071", context=CONTEXT)
    assert first == crypto.blind_index("360426199101010071", context=CONTEXT)
    assert first != crypto.blind_index("360426199101010071", context="other")
    with override_settings(LIANYUN_INDEX_KEY=base64.b64encode(os.urandom(32)).decode()):
        assert first != crypto.blind_index("360426199101010071", context=CONTEXT)


@pytest.mark.parametrize(
    "value", ["", "360426199101010071", "serial:B000000001", "彭运芳|3|2026-10"]
)
def test_the_many_values_indexer_gives_the_blind_index(value: str) -> None:
    index = crypto.blind_indexer(CONTEXT)
    assert index(value) == crypto.blind_index(value, context=CONTEXT)
    assert index(value) != crypto.blind_indexer("ledger.Payout.row")(value)


def test_the_many_values_indexer_follows_the_key_setting() -> None:
    before = crypto.blind_indexer(CONTEXT)("x")
    with override_settings(LIANYUN_INDEX_KEY=base64.b64encode(os.urandom(32)).decode()):
        assert crypto.blind_indexer(CONTEXT)("x") == crypto.blind_index("x", context=CONTEXT)
        assert crypto.blind_indexer(CONTEXT)("x") != before


def test_the_many_values_encrypter_makes_ordinary_ciphertexts() -> None:
    seal = crypto.encrypter(CONTEXT)
    first, second = seal("360426199101010071"), seal("360426199101010071")
    assert first != second
    assert crypto.decrypt(first, context=CONTEXT) == "360426199101010071"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(first, context="ledger.Payout.row")


def test_a_one_time_seal_opens_only_its_own_blobs_in_their_places() -> None:
    seal = crypto.OneTimeSeal()
    first, second = seal.seal(0, b"360426199101010071"), seal.seal(1, b"rows")
    assert b"360426199101010071" not in first
    assert seal.open(0, first) == b"360426199101010071"
    with pytest.raises(crypto.DecryptionError):
        seal.open(1, first)  # moved to another place
    with pytest.raises(crypto.DecryptionError):
        seal.open(1, second[:-1] + bytes([second[-1] ^ 1]))  # changed
    with pytest.raises(crypto.DecryptionError):
        crypto.OneTimeSeal().open(0, first)  # another import's key
