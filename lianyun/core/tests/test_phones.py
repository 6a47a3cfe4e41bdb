import pytest
from django.core.exceptions import ValidationError

from lianyun.core.phones import is_mobile, normalise_phone


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0827-5212345", "8275212345"),
    ],
)
def test_mobile_and_pingchang_landline_numbers_are_normalised(given: str, stored: str) -> None:
    assert normalise_phone(given) == stored


def test_mobiles_are_told_from_landlines() -> None:
    assert is_mobile("13812345678")
    assert not is_mobile("08275212345")


@pytest.mark.parametrize("bad", ["12345", "not a phone", "+1 202 555 0100", "1381234567"])
def test_bad_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        normalise_phone(bad)
