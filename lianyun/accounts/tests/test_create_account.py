import pytest
from django.core.management import CommandError, call_command

from lianyun.accounts.models import User
from lianyun.core.models import AuditEntry
from lianyun.testing import Cast


def test_an_official_is_created_with_a_totp_secret(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "create_account",
        "clerk",
        role="town_commission",
        region="511923103000",
        password="a-long-enough-pass",
    )
    assert "TOTP secret" in capsys.readouterr().out
    user = User.objects.get(username="clerk")
    assert user.region == cast.town_a
    assert user.totp_secret_encrypted


def test_an_unknown_region_code_is_named_and_nothing_is_written(cast: Cast) -> None:
    users, audits = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command(
            "create_account",
            "clerk",
            role="town_commission",
            region="511923999000",
            password="a-long-enough-pass",
        )
    assert "未知的区划代码 511923999000" in str(caught.value)
    assert "Unknown region code 511923999000" in str(caught.value)
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audits)


def test_a_role_at_the_wrong_level_is_refused(cast: Cast) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(
            "create_account",
            "clerk",
            role="town_commission",
            region="511923103201",
            password="a-long-enough-pass",
        )
    assert "三官寨村" in str(caught.value)
    assert not User.objects.filter(username="clerk").exists()


def test_a_weak_password_is_refused(cast: Cast) -> None:
    with pytest.raises(CommandError):
        call_command(
            "create_account", "clerk", role="town_commission", region="511923103000", password="123"
        )
    assert not User.objects.filter(username="clerk").exists()
