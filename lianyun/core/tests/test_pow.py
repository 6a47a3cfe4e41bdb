"""The proof of work on anonymous submissions: a solution is checked against its signed
challenge, good once and only for its purpose and its time; the cost rises with what one
address asks and fails, never refusing anyone."""

import base64
import datetime
import json

import altcha
import pytest

from lianyun.core import pow
from lianyun.testing import pow_field, request_from


def _payload(purpose: str = "petition", address: str = "127.0.0.1") -> str:
    return pow_field(purpose, address=address)[pow.FIELD]


def test_a_solution_passes_once_and_only_for_its_purpose() -> None:
    request = request_from("203.0.113.1")
    first = _payload()
    assert not pow.solved(request, "track", first)  # another purpose
    assert pow.solved(request, "petition", first)
    assert not pow.solved(request, "petition", first)  # used
    assert not pow.solved(request, "petition", "")
    assert not pow.solved(request, "petition", "not base64 at all")
    assert not pow.solved(request, "petition", "x" * 5000)


def test_a_tampered_solution_or_challenge_fails() -> None:
    request = request_from("203.0.113.2")
    data = json.loads(base64.b64decode(_payload()))
    data["challenge"]["parameters"]["data"] = {"for": "track"}  # moved to another purpose
    assert not pow.solved(request, "track", base64.b64encode(json.dumps(data).encode()).decode())
    data = json.loads(base64.b64decode(_payload()))
    data["solution"]["derivedKey"] = "00" * 32
    assert not pow.solved(request, "petition", base64.b64encode(json.dumps(data).encode()).decode())


def test_a_challenge_ends_after_its_minutes(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC), tick=False)
    payload = _payload()
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, 31, tzinfo=datetime.UTC), tick=False)
    assert not pow.solved(request_from("203.0.113.3"), "petition", payload)


@pytest.mark.parametrize("what", ["asked", "failed"])
def test_the_cost_rises_for_one_address_and_not_for_its_neighbours(what: str, settings) -> None:  # type: ignore[no-untyped-def]
    busy, quiet = request_from("198.51.100.70"), request_from("198.51.100.71")
    assert pow.level(busy) == 0
    for _n in range(settings.LIANYUN_POW["calm_per_client"] * 4 if what == "asked" else 9):
        if what == "asked":
            pow.challenge(busy, "petition")
        else:
            pow.failed(busy)
    assert pow.level(busy) >= 2 and pow.level(quiet) == 0
    issued = altcha.Challenge.from_dict(pow.challenge(busy, "petition"))
    assert issued.parameters.data == {"for": "petition"}  # still issued: nobody is refused


def test_the_whole_site_under_load_raises_everyones_cost(settings) -> None:  # type: ignore[no-untyped-def]
    calm = settings.LIANYUN_POW["calm_per_minute"]
    for n in range(calm * 2 + 1):
        pow.challenge(request_from(f"10.{n // 250}.{n % 250}.1"), "track")
    assert pow.level(request_from("203.0.113.9")) >= 1


def test_the_challenge_page_answers_json_for_known_purposes_only(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/pow/petition/")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert answer.json()["parameters"]["data"] == {"for": "petition"}
    assert client.get("/pow/anything/").status_code == 404
