"""S1: a canary accusation about a village cadre. Nothing the cadre, the cadre's unit or the
cadre's relatives can reach shows it, and no page, count or badge they see changes."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lianyun.cases.actions import dispose_lead, record_outcome
from lianyun.cases.models import Disposition, OutcomeKind, SanctionLevel
from lianyun.petitions import actions
from lianyun.petitions.models import PetitionKind
from lianyun.testing import Cast, unsalted
from tests.security.conftest import CANARY, CANARY_NAME, CANARY_PHONE, build_world, client_for
from tests.security.routes import all_routes

IDS = range(1, 8)


def _urls(cast: Cast) -> list[str]:
    fillers = {
        "code": [cast.village_a1.code, cast.town_a.code, cast.county.code],
        "pk": list(IDS),
    }
    urls = []
    for route in all_routes():
        if route.name in {"accounts:logout", "set_language"}:
            continue
        if not route.converters:
            urls.append(reverse(route.name))
        elif route.converters == ("code",):
            urls += [reverse(route.name, kwargs={"code": c}) for c in fillers["code"]]
        elif route.converters == ("pk",):
            urls += [reverse(route.name, kwargs={"pk": pk}) for pk in fillers["pk"]]
    return urls


def _crawl(users: dict[str, object], urls: list[str]) -> dict[tuple[str, str], tuple[int, str]]:
    seen = {}
    for persona, user in users.items():
        client = client_for(user)  # type: ignore[arg-type]
        for url in urls:
            response = client.get(url)
            body = response.content.decode(errors="replace") if not response.streaming else ""
            seen[(persona, url)] = (response.status_code, unsalted(body))
    return seen


# The crawl before the accusation and the crawl after it must see the same day: a page that
# shows today's date (a form's default) would otherwise differ across midnight. Mid-morning,
# so that a slow run stays within the day.
MORNING = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("named", ["picked", "in_text"])
@time_machine.travel(MORNING, tick=True)
def test_the_accused_their_unit_and_their_relatives_never_see_the_canary(
    cast: Cast, named: str
) -> None:
    """`picked`: the subject chosen from the list. `in_text`: the petitioner only wrote the
    cadre's name in the description (an outside probe found such a petition reaching him)."""
    build_world(cast, canary=False)
    from django.contrib.auth import get_user_model

    users = {
        name: get_user_model().objects.get(username=name)
        for name in ["village_cadre", "spouse_official", "colleague_official", "unit_member"]
    }
    # A petition that everyone may know about, so queues are not trivially empty.
    actions.submit_petition(
        kind=PetitionKind.SUGGESTION,
        region=cast.village_a2,
        anonymous=True,
        subject_text="村道路灯",
        description="希望在村道上安装路灯。",
    )
    urls = _urls(cast)
    _crawl(users, urls)  # a first pass settles what reading changes (notifications read)
    before = _crawl(users, urls)

    handler = cast.town_secretary.user
    submitted = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=False,
        subject_person=cast.cadre_resident if named == "picked" else None,
        subject_text="" if named == "picked" else "村干部",
        description=f"{CANARY} 村支书{cast.cadre_resident.name}截留低保金。",
        reporter_name=CANARY_NAME,
        reporter_phone=CANARY_PHONE,
        reporter_id_number="360426199101010071",
    )
    if named == "in_text":
        assert submitted.petition.subject_to_confirm
        assert list(submitted.petition.named_people.all()) == [cast.cadre_resident]
    petition = actions.accept_petition(petition=submitted.petition, actor=handler)
    actions.post_message(
        petition=petition, body=f"{CANARY} 请补充材料", from_petitioner=False, author=handler
    )
    actions.request_identity(petition=petition, actor=handler, reason=CANARY)
    assert petition.lead is not None
    dispose_lead(
        lead=petition.lead, disposition=Disposition.PRELIMINARY_CHECK, reason=CANARY, actor=handler
    )
    record_outcome(
        lead=petition.lead,
        kind=OutcomeKind.STATE_SANCTION,
        person=cast.cadre_resident,
        level=SanctionLevel.WARNING,
        actor=handler,
    )
    record_outcome(
        lead=petition.lead,
        kind=OutcomeKind.FUNDS_RETURNED,
        amount=Decimal("1800"),
        households=3,
        actor=handler,
    )

    after = _crawl(users, urls)
    leaks = [
        key
        for key, (_, body) in after.items()
        if CANARY in body or CANARY_NAME in body or CANARY_PHONE in body
    ]
    assert leaks == []
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # The crawl did reach real pages, not only refusals.
    assert sum(1 for status, _ in after.values() if status == 200) > 20
    # And the ordinary handler does see it, so the canary was really there.
    page = client_for(handler).get(reverse("petitions:petition-detail", args=[petition.pk]))
    assert CANARY in page.content.decode()
