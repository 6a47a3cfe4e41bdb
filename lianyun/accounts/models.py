"""Accounts and roles. Each account has one role, scoped to a region (and for county
departments a unit). Officials sign in with a password and a TOTP code; villagers need
neither to read the public site.
"""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianyun.core.roles import Role
from lianyun.people.models import Resident
from lianyun.regions.models import Region, RegionKind, Unit

TOTP_CONTEXT = "accounts.User.totp_secret"

# The level of region each role is scoped to; create_account enforces it.
SCOPE_LEVEL: dict[str, RegionKind] = {
    Role.VILLAGER: RegionKind.VILLAGE,
    Role.INTEGRITY_OFFICER: RegionKind.VILLAGE,
    Role.VILLAGE_CADRE: RegionKind.VILLAGE,
    Role.INSPECTOR: RegionKind.TOWN,
    Role.TOWN_COMMISSION: RegionKind.TOWN,
    Role.COUNTY_COMMISSION: RegionKind.COUNTY,
    Role.COUNTY_DEPARTMENT: RegionKind.COUNTY,
    Role.CUSTODIAN: RegionKind.COUNTY,
    Role.AUDITOR: RegionKind.COUNTY,
    Role.ADMINISTRATOR: RegionKind.COUNTY,
}

OFFICIAL_ROLES = frozenset(Role.values) - {Role.VILLAGER}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VILLAGER)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts"
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"totp_secret_encrypted": TOTP_CONTEXT}
    totp_secret_encrypted = models.BinaryField(null=True, blank=True)
    # The 30-second step of the last authenticator code accepted: a code is good once (RFC 6238
    # section 5.2), so one seen over a shoulder or replayed from a log cannot sign in again.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for an official's API client; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class Notification(models.Model):
    """An in-app message to one official. Text and link only: never the matter itself."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text
