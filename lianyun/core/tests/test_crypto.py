import base64
import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

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
    short = crypto.blind_indexer(CONTEXT, size=crypto.KEY_BYTES)(value)
    assert short == crypto.blind_index(value, context=CONTEXT, size=crypto.KEY_BYTES)
    assert len(short) == 32 and index(value).startswith(short)


def test_the_many_values_indexer_follows_the_key_setting() -> None:
    before = crypto.blind_indexer(CONTEXT)("x")
    with override_settings(LIANYUN_INDEX_KEY=base64.b64encode(os.urandom(32)).decode()):
        assert crypto.blind_indexer(CONTEXT)("x") == crypto.blind_index("x", context=CONTEXT)
        assert crypto.blind_indexer(CONTEXT)("x") != before


def test_the_many_values_encrypter_makes_ordinary_ciphertexts() -> None:
    seal = crypto.encrypter(CONTEXT)
    first, second, third = seal(["360426199101010071", "360426199101010071", ""])
    assert len({first[:14], second[:14], third[:14]}) == 3  # each its own nonce
    assert first != second
    assert crypto.decrypt(third, context=CONTEXT) == ""
    assert seal([]) == []
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


def _sealed(data: bytes, power: int = 4, context: str = CONTEXT) -> bytes:
    sink = io.BytesIO()
    crypto.seal_stream(io.BytesIO(data), sink, context=context, power=power)
    return sink.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=200),
    reads=st.lists(st.tuples(st.integers(0, 220), st.integers(-1, 70)), max_size=12),
)
def test_a_sealed_stream_reads_back_like_the_file_it_sealed(
    data: bytes, reads: list[tuple[int, int]]
) -> None:
    """16-byte segments: every edge case of where a read starts, ends and crosses a segment."""
    sealed = _sealed(data)
    assert crypto.decrypt_bytes(sealed, context=CONTEXT) == data
    opened, plain = crypto.open_sealed(io.BytesIO(sealed), context=CONTEXT), io.BytesIO(data)
    assert opened.read() == data
    for start, size in reads:
        opened.seek(start)
        plain.seek(start)
        assert opened.read(size) == plain.read(size)
        assert opened.tell() == plain.tell()
    opened.seek(-min(3, len(data)), io.SEEK_END)
    assert opened.read() == data[-3:]


def test_a_sealed_stream_holds_no_plaintext_and_is_bound_to_its_field() -> None:
    data = b"360426199101010071," * 100
    sealed = _sealed(data)
    assert b"360426199101010071" not in sealed
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(io.BytesIO(sealed), context="ledger.PayoutUpload").read()


def test_a_sealed_stream_with_a_segment_changed_moved_dropped_or_cut_does_not_open() -> None:
    data = bytes(range(100))  # 7 segments of 16 bytes, the last one short
    sealed = _sealed(data)
    head, step = 10, 16 + 16
    segments = [sealed[i : i + step] for i in range(head, len(sealed), step)]
    assert len(segments) == 7
    changed = bytearray(sealed)
    changed[head + 2 * step + 5] ^= 1
    swapped = sealed[:head] + segments[1] + segments[0] + b"".join(segments[2:])
    dropped = sealed[:head] + b"".join(segments[:3] + segments[4:])
    cut = sealed[:head] + b"".join(segments[:3])  # ends at a segment's edge
    regrown = bytearray(sealed)
    regrown[2] = 5  # the header claims 32-byte segments
    for tampered in (bytes(changed), swapped, dropped, cut, bytes(regrown), sealed + b"\0" * 32):
        with pytest.raises(crypto.DecryptionError):
            crypto.open_sealed(io.BytesIO(tampered), context=CONTEXT).read()
    # Reading only the untouched part of a changed file still works; the changed part fails.
    opened = crypto.open_sealed(io.BytesIO(bytes(changed)), context=CONTEXT)
    assert opened.read(32) == data[:32]
    with pytest.raises(crypto.DecryptionError):
        opened.read(32)


def test_a_file_in_one_piece_still_opens_as_a_file() -> None:
    blob = crypto.encrypt_bytes(b"old upload", context=CONTEXT)
    assert crypto.open_sealed(io.BytesIO(blob), context=CONTEXT).read() == b"old upload"
