"""S22: after forced expiry, nothing of an ended case is left: no rows, no files."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lianyun.cases.actions import dispose_lead, record_milestone
from lianyun.cases.models import Disposition, Lead, RectificationItem
from lianyun.petitions import actions
from lianyun.petitions.models import (
    Attachment,
    Decision,
    IdentityRequest,
    Petition,
    PetitionEvent,
    PetitionKind,
    PetitionMessage,
)
from lianyun.regions.models import Unit, UnitKind
from lianyun.testing import Cast, commissions

D = datetime.date


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _ended_accusation(cast: Cast) -> Petition:
    handler = cast.town_secretary.user
    petition = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=False,
        subject_person=cast.cadre_resident,
        description="村支书截留低保金，请查处。",
        reporter_name="彭运芳",
        reporter_phone="13812345678",
        reporter_id_number="360426199101010071",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")],
        today=D(2026, 1, 5),
    ).petition
    actions.accept_petition(petition=petition, actor=handler, today=D(2026, 1, 6))
    actions.post_message(petition=petition, body="请补充", from_petitioner=False, author=handler)
    actions.request_identity(petition=petition, actor=handler, reason="核实")
    committee = Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)
    item = actions.register_petition_rectification(
        petition=petition,
        title="补发低保金",
        owner_unit=committee,
        responsible="镇民政办",
        deadline=D(2099, 1, 1),
        actor=handler,
    )
    record_milestone(
        item=item,
        progress=50,
        note="已补发一半",
        actor=handler,
        files=[SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")],
    )

    assert petition.lead is not None
    dispose_lead(
        lead=petition.lead,
        disposition=Disposition.CLOSE,
        reason="了结",
        actor=handler,
        today=D(2026, 1, 7),
    )
    actions.answer_petition(
        petition=petition,
        decision=Decision.EXPLAIN,
        answer="已处理",
        actor=handler,
        today=D(2026, 1, 8),
    )
    assert actions.close_lapsed_petitions(today=D(2026, 3, 1)) == 1
    petition.refresh_from_db()
    assert petition.ended_on == D(2026, 3, 1)
    return petition


def test_forced_expiry_leaves_no_rows_and_no_files(
    cast: Cast, media: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    commissions(cast)
    petition = _ended_accusation(cast)
    assert len(list(media.rglob("*.bin"))) == 2  # the attachment and the evidence
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.purge_expired_petitions(today=D(2031, 2, 27)) == 0  # not yet: 5 × 365 days
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.purge_expired_petitions(today=D(2036, 1, 1)) == 1
    for model in (Petition, PetitionEvent, PetitionMessage, IdentityRequest, Attachment):
        assert (
            model.objects.filter(
                **({"pk": petition.pk} if model is Petition else {"petition_id": petition.pk})
            ).count()
            == 0
        )
    assert not RectificationItem.objects.filter(confidential=True).exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert Lead.objects.filter(pk=petition.lead_id).exists()  # the commission's record stays


def test_orphan_files_are_swept(
    cast: Cast, media: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    commissions(cast)
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "left-over.bin").write_bytes(b"x")
    with django_capture_on_commit_callbacks(execute=True):
        actions.purge_expired_petitions(today=D(2026, 1, 1))
    assert not (media / "attachments" / "left-over.bin").exists()


def test_the_daily_command_runs_the_housekeeping(
    cast: Cast, media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commissions(cast)
    call_command("daily", today=D(2026, 1, 1))
    assert "purged 0 petitions" in capsys.readouterr().out
