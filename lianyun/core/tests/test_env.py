import pytest
from django.core.exceptions import ImproperlyConfigured

from lianyun.core.env import env_bool, env_int, env_list, env_str


def test_defaults_apply_when_unset() -> None:
    assert env_str("X", "d", {}) == "d"
    assert env_bool("X", True, {}) is True
    assert env_int("X", 5, {}) == 5
    assert env_list("X", ["a"], {}) == ["a"]


def test_values_are_parsed() -> None:
    assert env_bool("X", False, {"X": "Yes"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_int("X", 0, {"X": " 30 "}) == 30
    assert env_list("X", [], {"X": "a, b,,c"}) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: env_bool("LIANYUN_DEBUG", False, {"LIANYUN_DEBUG": "maybe"}), "LIANYUN_DEBUG"),
        (lambda: env_int("LIANYUN_N", 0, {"LIANYUN_N": "thirty"}), "LIANYUN_N"),
        (lambda: env_int("LIANYUN_N", 0, {"LIANYUN_N": "31"}, maximum=30), "at most 30"),
        (lambda: env_int("LIANYUN_N", 0, {"LIANYUN_N": "0"}, minimum=1), "at least 1"),
    ],
)
def test_bad_values_name_the_variable(call, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImproperlyConfigured, match=fragment):
        call()
