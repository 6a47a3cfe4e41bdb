import pytest

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import Notification
from lianyun.core.roles import Role
from lianyun.core.sms import ConsoleBackend, MemoryBackend
from lianyun.petitions import actions
from lianyun.petitions.models import Decision, PetitionKind
from lianyun.testing import Cast, commissions


@pytest.fixture(autouse=True)
def _memory_sms(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()


def _named(cast: Cast) -> actions.Submitted:
    return actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=False,
        subject_text="村道",
        description="村道塌方三个月无人修理。",
        reporter_name="彭运芳",
        reporter_phone="13812345678",
        reporter_id_number="360426199101010071",
    )


def test_handlers_who_may_see_it_are_told_and_the_recused_are_not(cast: Cast) -> None:
    commissions(cast)
    spouse = create_account(
        username="sp", password="x" * 12, role=Role.TOWN_COMMISSION, region=cast.town_a
    ).user
    spouse.resident = cast.relative_resident
    spouse.save()
    actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_person=cast.cadre_resident,
        description="村支书截留低保金，请查处。",
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"town_secretary", "county_inspector"}
    assert "村支书" not in " ".join(Notification.objects.values_list("text", flat=True))


def test_named_petitioners_get_a_text_when_accepted_and_answered(
    cast: Cast,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    commissions(cast)
    petition = _named(cast).petition
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_petition(petition=petition, actor=cast.town_secretary.user)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_petition(
            petition=petition,
            decision=Decision.SUPPORT,
            answer="已安排维修",
            actor=cast.town_secretary.user,
        )
    assert [m.phone for m in MemoryBackend.outbox] == ["13812345678", "13812345678"]
    assert petition.number in MemoryBackend.outbox[0].text
    assert "村道" not in MemoryBackend.outbox[1].text  # says that, never what


def test_anonymous_petitioners_get_no_text(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    commissions(cast)
    petition = actions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=cast.village_a1,
        anonymous=True,
        subject_text="村道",
        description="村道塌方三个月无人修理。",
    ).petition
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_petition(petition=petition, actor=cast.town_secretary.user)
    assert MemoryBackend.outbox == []


def test_the_console_backend_masks_the_number(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleBackend().send("13812345678", "测试")
    out = capsys.readouterr().out
    assert "138****5678" in out
    assert "13812345678" not in out
