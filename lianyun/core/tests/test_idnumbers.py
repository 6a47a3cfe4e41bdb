import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from lianyun.core.idnumbers import (
    ID_FORMAT,
    facts,
    id_numbers_well_formed,
    synthetic_id_number,
    validate_id_number,
)

VALID = ["360426199101010071", "120103198806018241", "110101202311012176", "11010519491231002X"]


@pytest.mark.parametrize("number", VALID)
def test_known_valid_numbers_pass(number: str) -> None:
    assert validate_id_number(number) == number


def test_lowercase_x_and_blanks_are_normalised() -> None:
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code", "chinese"),
    [
        ("360426199101010072", "checksum", "校验码"),
        ("360426910101007", "legacy", "15 位"),
        ("36042619910101007", "length", "17 位"),
        ("3604261991010100711", "length", "19 位"),
        ("36042619911301007X", "birth_date", "19911301"),
        ("3604261991A101007X", "format", "17 位数字"),
    ],
)
def test_invalid_numbers_say_which_part_is_wrong(number: str, code: str, chinese: str) -> None:
    with pytest.raises(ValidationError) as caught, override("zh-hans"):
        validate_id_number(number)
    assert caught.value.code == code
    with override("zh-hans"):
        assert chinese in " ".join(caught.value.messages)


def test_messages_exist_in_english_too() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number("360426199101010072")
    with override("en"):
        assert "last character" in caught.value.messages[0]


def test_facts_read_birth_date_and_sex() -> None:
    got = facts("360426199101010071")
    assert got.birth_date == datetime.date(1991, 1, 1)
    assert got.is_male is True
    assert facts("120103198806018241").is_male is False


@given(
    st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2025, 12, 31)),
    st.booleans(),
    st.integers(min_value=0, max_value=2**32),
)
def test_synthetic_numbers_are_valid_and_carry_their_facts(
    born: datetime.date, male: bool, seed: int
) -> None:
    number = synthetic_id_number(
        random.Random(seed), region_code="511923", birth_date=born, is_male=male
    )
    assert validate_id_number(number) == number
    assert facts(number).birth_date == born
    assert facts(number).is_male is male


def test_a_birth_date_in_the_future_is_rejected() -> None:
    first17 = "51192321990101001"
    from stdnum.cn import ric

    with pytest.raises(ValidationError) as caught:
        validate_id_number(first17 + ric.calc_check_digit(first17 + "0"))
    assert caught.value.code == "birth_date"


@given(
    st.one_of(
        st.text(alphabet="0123456789Xx \t", min_size=0, max_size=22),
        st.from_regex(
            r"(11|51)[0-9]{4}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9][0-9]{3}[0-9Xx]",
            fullmatch=True,
        ),
    )
)
def test_the_quick_check_agrees_with_the_full_validation(value: str) -> None:
    from lianyun.core.idnumbers import quick_id_number

    try:
        expected: str | None = validate_id_number(value)
    except ValidationError:
        expected = None
    assert quick_id_number(value) == expected


def test_the_quick_check_accepts_what_the_full_one_does_on_real_numbers() -> None:
    import random as _random

    from lianyun.core.idnumbers import quick_id_number

    rng = _random.Random(3)
    for n in range(500):
        born = datetime.date(1930 + n % 90, 1 + n % 12, 1 + n % 28)
        number = synthetic_id_number(rng, region_code="511923", birth_date=born, is_male=n % 2 == 0)
        assert quick_id_number(number) == number == validate_id_number(number)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert quick_id_number(wrong) is None


@given(
    st.lists(
        st.one_of(
            st.builds(
                lambda seed, year: synthetic_id_number(
                    random.Random(seed),
                    region_code="511923",
                    birth_date=datetime.date(year, 3, 9),
                    is_male=bool(seed % 2),
                ),
                st.integers(0, 10**6),
                st.integers(1900, 2020),
            ),
            st.text(alphabet="0123456789X", min_size=18, max_size=18),
            st.text(alphabet="0123456789Xx \u3000\uff10", min_size=0, max_size=20),
        ),
        max_size=30,
    ),
    st.integers(0, 17),
    st.sampled_from("0123456789Xx"),
)
def test_the_column_wise_check_agrees_with_the_check_digit_one_number_at_a_time(
    numbers: list[str], position: int, character: str
) -> None:
    """Every value, including one with a character changed, as ric's own check decides it."""
    if numbers:
        first = numbers[0]
        numbers.append(first[:position] + character + first[position + 1 :])
    expected = [
        bool(ID_FORMAT.fullmatch(number)) and ric.calc_check_digit(number) == number[17]
        for number in numbers
    ]
    assert id_numbers_well_formed(numbers) == expected


def test_the_column_wise_check_knows_the_published_numbers() -> None:
    assert id_numbers_well_formed([*VALID, "11010519491231002x", " 360426199101010071"]) == [
        True,
        True,
        True,
        True,
        False,  # lowercase: check() normalises it; the column-wise check leaves it to check()
        False,
    ]
