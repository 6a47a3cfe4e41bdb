import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.cases import actions
from lianyun.cases.access import visible_rectifications
from lianyun.cases.models import Confirmation, RectificationStatus, SourceKind
from lianyun.cases.queries import progress_by_town, public_rectifications
from lianyun.regions.models import Unit, UnitKind
from lianyun.testing import Cast

D = datetime.date


@pytest.fixture
def committee(cast: Cast) -> Unit:
    return Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)


def _item(cast: Cast, committee: Unit, **extra: object):  # type: ignore[no-untyped-def]
    data = dict(
        source_kind=SourceKind.INQUIRY_MEETING,
        source_ref="meeting:1",
        region=cast.village_a1,
        title="兑现龙堂村道路征拆补偿款",
        owner_unit=committee,
        responsible="袁建国",
        deadline=D(2026, 12, 31),
        actor=cast.town_secretary.user,
        today=D(2026, 11, 1),
    )
    data.update(extra)
    return actions.register_rectification(**data)  # type: ignore[arg-type]


def test_an_item_goes_from_registered_to_closed_out_with_the_villagers_confirmation(
    cast: Cast, committee: Unit
) -> None:
    item = _item(cast, committee, needs_confirmation=True)
    assert item.confirmation == Confirmation.PENDING
    actor = cast.town_secretary.user
    actions.record_milestone(
        item=item, progress=40, note="已核对名单", actor=actor, today=D(2026, 11, 5)
    )
    with pytest.raises(ValidationError):
        actions.publish_feedback(item=item, feedback="完成", actor=actor)
    actions.record_milestone(
        item=item, progress=100, note="款项已发放到户", actor=actor, today=D(2026, 11, 20)
    )
    actions.publish_feedback(
        item=item, feedback="补偿款已全部兑现。", actor=actor, today=D(2026, 11, 21)
    )
    assert item.status == RectificationStatus.REGISTERED  # still waiting for the villager
    actions.confirm_rectification(item=item, satisfied=True, actor=None, today=D(2026, 11, 25))
    assert item.status == RectificationStatus.CLOSED_OUT
    assert item.closed_on == D(2026, 11, 25)


def test_an_unsatisfied_villager_reopens_the_item(cast: Cast, committee: Unit) -> None:
    item = _item(cast, committee, needs_confirmation=True)
    actor = cast.town_secretary.user
    actions.record_milestone(
        item=item, progress=100, note="已发放", actor=actor, today=D(2026, 11, 20)
    )
    actions.publish_feedback(item=item, feedback="已兑现", actor=actor, today=D(2026, 11, 21))
    actions.confirm_rectification(item=item, satisfied=False, actor=None)
    assert item.status == RectificationStatus.REOPENED
    assert item.reopen_count == 1
    assert item.progress == 90
    assert item.public_feedback == ""
    with pytest.raises(ValidationError):
        actions.confirm_rectification(item=item, satisfied=True, actor=None)


def test_overdue_items_reopen_once(cast: Cast, committee: Unit) -> None:
    item = _item(cast, committee)
    assert actions.reopen_overdue(today=D(2027, 1, 5)) == 1
    assert actions.reopen_overdue(today=D(2027, 1, 6)) == 0
    item.refresh_from_db()
    assert item.status == RectificationStatus.REOPENED


def test_without_a_villager_to_confirm_feedback_closes_it_out(cast: Cast, committee: Unit) -> None:
    item = _item(cast, committee)
    actor = cast.town_secretary.user
    actions.record_milestone(item=item, progress=100, note="完成", actor=actor)
    actions.publish_feedback(item=item, feedback="已完成", actor=actor)
    assert item.status == RectificationStatus.CLOSED_OUT


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"title": " "}, "问题"),
        ({"responsible": ""}, "责任人"),
        ({"deadline": D(2026, 10, 1)}, "时限"),
    ],
)
def test_bad_items_are_refused(cast: Cast, committee: Unit, changes: dict, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationError, match=fragment):
        _item(cast, committee, **changes)


def test_progress_cannot_go_back_or_past_100(cast: Cast, committee: Unit) -> None:
    item = _item(cast, committee)
    actions.record_milestone(item=item, progress=50, note="半", actor=cast.town_secretary.user)
    for bad in (30, 101, -1):
        with pytest.raises(ValidationError):
            actions.record_milestone(
                item=item, progress=bad, note="x", actor=cast.town_secretary.user
            )


def test_the_public_list_rolls_progress_up_by_town(
    client: Client, cast: Cast, committee: Unit
) -> None:
    _item(cast, committee)
    secret = _item(
        cast,
        committee,
        title="涉及检举的问题",
        confidential=True,
        subject_person=cast.cadre_resident,
    )
    rows = progress_by_town(public_rectifications())
    assert [(r.town, r.items) for r in rows] == [(cast.town_a, 1)]
    page = client.get(reverse("rectifications:rectification-list")).content.decode()
    assert "兑现龙堂村道路征拆补偿款" in page
    assert secret.title not in page


def test_confidential_items_are_hidden_from_the_village_and_from_the_recused(
    cast: Cast, committee: Unit
) -> None:
    secret = _item(
        cast,
        committee,
        title="涉及检举的问题",
        confidential=True,
        subject_person=cast.cadre_resident,
    )
    assert not visible_rectifications(cast.village_cadre.user).filter(pk=secret.pk).exists()
    assert visible_rectifications(cast.town_secretary.user).filter(pk=secret.pk).exists()
    from lianyun.accounts.actions import create_account
    from lianyun.core.roles import Role

    spouse = create_account(
        username="sp", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    spouse.resident = cast.relative_resident
    spouse.save()
    assert not visible_rectifications(spouse).filter(pk=secret.pk).exists()


def test_the_village_cadre_records_progress_through_the_page(cast: Cast, committee: Unit) -> None:
    item = _item(cast, committee)
    client = Client()
    client.force_login(cast.village_cadre.user)
    url = reverse("cases:rectification-milestone", args=[item.pk])
    assert client.post(url, {"progress": "60", "note": "已完成六成"}).status_code == 302
    item.refresh_from_db()
    assert item.progress == 60
    # The page's form carries a one-time key: sent twice (a double tap), it records once.
    page = client.get(reverse("cases:rectification-detail", args=[item.pk])).content.decode()
    key = re.search(
        r'action="' + re.escape(url) + r'"[^>]*>.*?name="_once" value="([^"]+)"', page, re.S
    )
    assert key, "the progress form carries a one-time key"
    for _tap in range(2):
        sent = client.post(url, {"progress": "80", "note": "已完成八成", "_once": key[1]})
        assert sent.status_code == 302
    assert item.milestones.filter(progress=80).count() == 1
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    assert outsider.post(url, {"progress": "70", "note": "x"}).status_code == 404


def test_evidence_is_kept_encrypted_and_handed_out_as_a_download(
    cast: Cast, committee: Unit, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = _item(cast, committee)
    photo = SimpleUploadedFile("现场.png", _png(), "image/png")
    milestone = actions.record_milestone(
        item=item, progress=50, note="路灯已安装", actor=cast.village_cadre.user, files=[photo]
    )
    evidence = milestone.evidence.get()
    assert not (tmp_path / evidence.stored_name).read_bytes().startswith(b"\x89PNG")
    client = Client()
    client.force_login(cast.town_secretary.user)
    response = client.get(reverse("cases:evidence-detail", args=[item.pk, evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\x89PNG")
    with pytest.raises(ValidationError):
        actions.record_milestone(
            item=item,
            progress=60,
            note="x",
            actor=cast.village_cadre.user,
            files=[SimpleUploadedFile("x.png", b"<html></html>", "image/png")],
        )
    assert item.milestones.count() == 1


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def test_the_county_total_weighs_each_town_by_its_items(
    cast: Cast, committee: Unit, time_machine: Any
) -> None:
    from lianyun.cases.queries import total_progress

    # Before the items' deadline (31 December 2026): none is overdue.
    time_machine.move_to(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC))

    first = _item(cast, committee)
    _item(cast, committee, title="第二项")
    actions.record_milestone(item=first, progress=100, note="完成", actor=cast.town_secretary.user)
    total = total_progress(progress_by_town(public_rectifications()))
    assert total == {"items": 2, "closed_out": 0, "overdue": 0, "average_progress": 50}


def test_a_closed_out_public_rectification_is_published(cast) -> None:  # type: ignore[no-untyped-def]
    from lianyun.publications.models import Entry, EntryKind

    committee = Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)
    actor = cast.town_secretary.user
    item = actions.register_rectification(
        source_kind=SourceKind.INQUIRY_MEETING,
        source_ref="m:1",
        region=cast.village_a1,
        title="修复村道路灯",
        owner_unit=committee,
        responsible="文书",
        deadline=D(2099, 1, 1),
        actor=actor,
        needs_confirmation=True,
    )
    actions.record_milestone(item=item, progress=100, note="已修复", actor=actor)
    actions.publish_feedback(item=item, feedback="路灯已修复", actor=actor)
    assert not Entry.objects.exists()  # not before the villager agrees
    actions.confirm_rectification(item=item, satisfied=True, actor=None)
    entry = Entry.objects.get()
    assert entry.kind == EntryKind.RECTIFICATION
    assert "路灯已修复" in entry.payload
    assert "已修复" not in entry.payload.replace("路灯已修复", "")  # internal notes stay out
