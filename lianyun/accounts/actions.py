"""Writes on accounts: creating officials with their second factor, checking TOTP codes."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import (
    OFFICIAL_ROLES,
    SCOPE_LEVEL,
    TOTP_CONTEXT,
    ApiToken,
    Notification,
    User,
)
from lianyun.core import audit, crypto
from lianyun.core.roles import Role
from lianyun.regions.models import Region, RegionKind, Unit, UnitKind


@dataclass(frozen=True)
class NewAccount:
    user: User
    totp_secret: str | None  # shown once, to be put into the authenticator app


@transaction.atomic
def create_account(
    *,
    username: str,
    password: str,
    role: str,
    region: Region,
    unit: Unit | None = None,
    display_name: str = "",
    totp_secret: str | None = None,
    actor: User | None = None,
) -> NewAccount:
    """Create an account scoped to its region; every official gets a TOTP secret."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    level = SCOPE_LEVEL[role]
    if region.kind != level:
        raise ValidationError(
            _("A %(role)s account is scoped to a %(level)s; %(region)s (%(code)s) is a %(kind)s.")
            % {
                "role": Role(role).label,
                "level": RegionKind(level).label,
                "region": region.name,
                "code": region.code,
                "kind": RegionKind(region.kind).label,
            }
        )
    if role == Role.COUNTY_DEPARTMENT and (unit is None or unit.kind != UnitKind.DEPARTMENT):
        raise ValidationError(_("A county department account needs its department."))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The username %(username)s is taken.") % {"username": username})
    user = User(username=username, role=role, region=region, unit=unit, display_name=display_name)
    user.set_password(password)
    if role in OFFICIAL_ROLES:
        totp_secret = totp_secret or pyotp.random_base32()
        user.totp_secret_encrypted = crypto.encrypt(totp_secret, context=TOTP_CONTEXT)
    else:
        totp_secret = None
    user.save()
    audit.record(
        action="create:account",
        actor=actor,
        object_type="accounts.User",
        object_id=user.pk,
        detail={"role": role, "region": region.code},
    )
    return NewAccount(user=user, totp_secret=totp_secret)


# Checked when the account has no secret or does not exist, so that every sign-in costs the
# same whatever was wrong; no code matches it that signs anyone in.
_NO_SECRET = pyotp.random_base32()


def totp_step(user: User | None, code: str) -> int | None:
    """The time step the code belongs to (the current one or one either side, for phones whose
    clocks drift), or None. The same work is done for an account without a secret, or none."""
    secret = _NO_SECRET
    if user is not None and user.totp_secret_encrypted:
        secret = crypto.decrypt(user.totp_secret_encrypted, context=TOTP_CONTEXT)
    totp = pyotp.TOTP(secret)
    entered = "".join(code.split())
    now = totp.timecode(time.time())
    found = None
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), entered):
            found = step
    if user is None or not user.totp_secret_encrypted:
        return None
    return found


def claim_totp_step(user: User, step: int) -> bool:
    """Use the step once: it is refused once it, or a later one, has signed in (RFC 6238,
    5.2). One conditional UPDATE, so two sign-ins racing with one code cannot both win."""
    unused = Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
    claimed = User.objects.filter(unused, pk=user.pk).update(totp_last_step=step)
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


def totp_is_valid(user: User, code: str) -> bool:
    """A right code, not used before, claimed now."""
    step = totp_step(user, code)
    return step is not None and claim_totp_step(user, step)


def account_named(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def record_login(*, user: User) -> None:
    audit.record(action="login", actor=user, object_type="accounts.User", object_id=user.pk)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, user: User, name: str, actor: User | None = None) -> str:
    """Make a token for an official's API client; the token is returned once."""
    if not user.is_official:
        raise ValidationError(_("Only officials get API tokens."))
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_token_hash(token))
    audit.record(
        action="issue:api_token", actor=actor, object_type="accounts.User", object_id=user.pk
    )
    return token


def user_for_token(token: str) -> User | None:
    found = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(token)).first()
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user


def notify(*, user: User, text: str, url: str) -> None:
    Notification.objects.create(user=user, text=text[:200], url=url[:200])


def mark_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
