import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianyun.core.masking import (
    MASK,
    mask_bank_account,
    mask_card_number,
    mask_id_number,
    mask_name,
    mask_phone,
)

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NAMES = st.text(HAN, min_size=1, max_size=6)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小三", "张*三"),
        ("欧阳娜娜", "欧**娜"),
        ("司马相如", "司**如"),
        ("诸葛孔明亮", "诸**明亮"),
        ("王", "*"),
    ],
)
def test_names_follow_the_rule(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def _revealed(original: str, masked: str) -> int:
    return sum(1 for a, b in zip(original, masked, strict=True) if a == b and b != MASK)


@given(NAMES)
def test_a_masked_name_keeps_its_length_and_reveals_no_more_than_the_rule(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    allowed = {1: 0, 2: 1, 3: 2}.get(len(name), len(name) - 2)
    assert _revealed(name, masked) <= allowed
    # Never reveals the second character, where a given name starts after a one-char surname.
    if len(name) >= 2:
        assert masked[1] == MASK


@given(NAMES)
def test_masking_is_idempotent(name: str) -> None:
    assert mask_name(mask_name(name)) == mask_name(name)


@given(st.from_regex(r"\A[0-9]{17}[0-9X]\Z"))
def test_id_numbers_show_first_and_last_only(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == number[0] + "*" * 16 + number[-1]
    assert mask_id_number(masked) == masked


@given(st.from_regex(r"\A[A-Z0-9]{9}\Z"))
def test_card_numbers_show_first_three_and_last_one(number: str) -> None:
    masked = mask_card_number(number)
    assert masked[:3] == number[:3]
    assert masked[-1] == number[-1]
    assert masked[3:8] == "*****"
    assert mask_card_number(masked) == masked


@given(st.from_regex(r"\A[0-9]{16,19}\Z"))
def test_bank_accounts_show_the_last_four(number: str) -> None:
    masked = mask_bank_account(number)
    assert masked == "****" + number[-4:]
    assert mask_bank_account(masked) == masked


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_phones_show_three_and_four(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]
    assert mask_phone(masked) == masked
