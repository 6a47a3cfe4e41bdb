import datetime

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.core.models import AuditEntry
from lianyun.testing import PASSWORD, Cast

LOGIN = reverse("accounts:login")


def _login(client: Client, username: str, password: str = PASSWORD, code: str = ""):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password, "otp_code": code})


def test_an_official_signs_in_with_password_and_totp(client: Client, cast: Cast) -> None:
    response = _login(client, "town_secretary", code=cast.town_secretary.code())
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert AuditEntry.objects.filter(action="login", actor_name="town_secretary").count() == 1


def test_an_official_without_a_code_is_refused(client: Client, cast: Cast) -> None:
    response = _login(client, "town_secretary")
    assert response.status_code == 200
    assert "用户名、密码或动态验证码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused(client: Client, cast: Cast) -> None:
    wrong = str((int(cast.town_secretary.code()) + 500000) % 1000000).zfill(6)
    assert "_auth_user_id" not in _login(client, "town_secretary", code=wrong).wsgi_request.session


def _form(response) -> str:  # type: ignore[no-untyped-def]
    """The sign-in page as the person sees it, without the per-request token and nonce."""
    import re

    from lianyun.testing import unsalted

    page = unsalted(response.content.decode())
    return re.sub(r'value="(town_secretary|nobody)"', "", page)  # what was typed comes back


def test_one_answer_whatever_was_wrong_so_a_right_password_is_never_confirmed(
    client: Client, cast: Cast
) -> None:
    """A right password with a wrong code answers exactly like a wrong password, a wrong
    password with the right code, or an account that does not exist (an outside probe found
    the right password confirmed by a different message)."""
    wrong = str((int(cast.town_secretary.code()) + 500000) % 1000000).zfill(6)
    answers = [
        _login(Client(), "town_secretary", password="wrong-password", code=wrong),
        _login(Client(), "town_secretary", code=wrong),
        _login(Client(), "town_secretary"),
        _login(Client(), "town_secretary", password="wrong-password", code=cast.outsider.code()),
        _login(Client(), "nobody", password="wrong-password", code=wrong),
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({_form(a) for a in answers}) == 1
    assert "用户名、密码或动态验证码错误" in answers[0].content.decode()


def test_a_villager_needs_no_totp(client: Client, cast: Cast) -> None:
    assert _login(client, "villager").status_code == 302


def test_the_sixth_bad_try_within_a_minute_is_blocked_and_other_accounts_are_not(
    client: Client, cast: Cast
) -> None:
    for _ in range(4):
        assert _login(client, "town_secretary", password="bad-password").status_code == 200
    # The fifth failure locks the account and says so; the sixth try is refused even with
    # the right password and code.
    assert _login(client, "town_secretary", password="bad-password").status_code == 429
    blocked = _login(client, "town_secretary", code=cast.town_secretary.code())
    assert blocked.status_code == 429
    assert "自动解锁" in blocked.content.decode()
    # Same client, same IP: another account still signs in (a village shares one address).
    assert _login(client, "outsider", code=cast.outsider.code()).status_code == 302


def test_wrong_codes_count_toward_the_lockout(client: Client, cast: Cast) -> None:
    for _ in range(5):
        _login(client, "town_secretary", code="000000")
    assert _login(client, "town_secretary", code=cast.town_secretary.code()).status_code == 429


def test_a_locked_account_unlocks_by_itself(client: Client, cast: Cast) -> None:
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(6):
            _login(client, "town_secretary", password="bad-password")
        assert _login(client, "town_secretary", code=cast.town_secretary.code()).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        code = pyotp.TOTP(cast.town_secretary.totp_secret or "").now()
        assert _login(client, "town_secretary", code=code).status_code == 302


def test_the_session_id_changes_on_sign_in(client: Client, cast: Cast) -> None:
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _login(client, "town_secretary", code=cast.town_secretary.code())
    assert client.session.session_key != before


def test_passwords_are_stored_with_argon2id(cast: Cast) -> None:
    assert User.objects.get(username="town_secretary").password.startswith("argon2$argon2id$")


def test_an_idle_session_ends_after_thirty_minutes(client: Client, cast: Cast) -> None:
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _login(client, "town_secretary", code=cast.town_secretary.code())
        assert client.get(reverse("workspace:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("workspace:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = client.get(reverse("workspace:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_two_requests_at_once_do_not_overwrite_each_others_session(
    client: Client, cast: Cast
) -> None:
    """Reading a page within the minute writes nothing to the session: a double tap's second
    request, saved last with its older copy, cannot undo what the first one stored (a quiz
    handed in was lost that way on two servers)."""
    from lianyun.accounts.middleware import SEEN_AT

    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _login(client, "town_secretary", code=cast.town_secretary.code())
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        response = client.get(reverse("workspace:home"))
        assert response.wsgi_request.session.modified is False
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        response = client.get(reverse("workspace:home"))
        assert response.wsgi_request.session[SEEN_AT] == int(
            (start + datetime.timedelta(minutes=2)).timestamp()
        )


def test_an_active_session_still_ends_after_twelve_hours(client: Client, cast: Cast) -> None:
    start = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _login(client, "town_secretary", code=cast.town_secretary.code())
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("workspace:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        assert client.get(reverse("workspace:home")).status_code == 302


def test_next_only_follows_local_urls(client: Client, cast: Cast) -> None:
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {
            "username": "town_secretary",
            "password": PASSWORD,
            "otp_code": cast.town_secretary.code(),
        },
    )
    assert response["Location"] == reverse("workspace:home")


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_missing_field_is_named(client: Client, cast: Cast, field: str) -> None:
    data = {"username": "town_secretary", "password": PASSWORD}
    del data[field]
    response = client.post(LOGIN, data)
    assert "这个字段是必填项" in response.content.decode()


def test_a_code_signs_in_only_once(cast: Cast) -> None:
    """RFC 6238, 5.2: a code seen over a shoulder, or sent twice, does not sign in again; the
    next step's code does (one step of drift is allowed, so it is already good)."""
    secret = cast.town_secretary.totp_secret or ""
    totp = pyotp.TOTP(secret)
    start = datetime.datetime(2026, 11, 2, 9, 0, 5, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        code = totp.now()
        assert _login(Client(), "town_secretary", code=code).status_code == 302
        again = _login(Client(), "town_secretary", code=code)
        assert again.status_code == 200
        assert "用户名、密码或动态验证码错误" in again.content.decode()
        # An older code than the one used is refused as well, although within the drift.
        earlier = totp.at(start - datetime.timedelta(seconds=30))
        assert _login(Client(), "town_secretary", code=earlier).status_code == 200
        later = totp.at(start + datetime.timedelta(seconds=30))
        assert _login(Client(), "town_secretary", code=later).status_code == 302
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        assert _login(Client(), "town_secretary", code=totp.now()).status_code == 302
    assert User.objects.get(username="town_secretary").totp_last_step == totp.timecode(
        start + datetime.timedelta(seconds=60)
    )
