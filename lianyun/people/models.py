"""People in the registry: residents, households, cadres (residents holding posts) and the
relatives cadres declare.

Identity, card, bank and phone numbers are stored only encrypted (core.crypto), beside a
keyed blind index to find them and the masked form public pages show. Names are stored in
clear: the law publishes them on the 低保 list, and public pages mask them (core.masking).
"""

import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.core import crypto
from lianyun.core.masking import mask_id_number, mask_name
from lianyun.regions.models import Region, Unit

ID_CONTEXT = "people.Resident.id_number"
CARD_CONTEXT = "people.Resident.card_number"
BANK_CONTEXT = "people.Resident.bank_account"
PHONE_CONTEXT = "people.Resident.phone"


class Household(models.Model):
    """A household (户) registered in a village; `head` is the 户主."""

    number = models.CharField(_("household number"), max_length=32)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="households")
    head = models.ForeignKey(
        "Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["village__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"], name="household_number_in_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village.code}-{self.number}"


class Resident(models.Model):
    name = models.CharField(pgettext_lazy("person", "name"), max_length=32)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {
        "id_number_encrypted": ID_CONTEXT,
        "phone_encrypted": PHONE_CONTEXT,
        "card_number_encrypted": CARD_CONTEXT,
        "bank_account_encrypted": BANK_CONTEXT,
    }
    id_number_encrypted = models.BinaryField()
    id_number_index = models.CharField(max_length=32, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("date of birth"))
    is_male = models.BooleanField(_("male"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="residents")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    phone_encrypted = models.BinaryField(null=True, blank=True)
    card_number_encrypted = models.BinaryField(null=True, blank=True)
    card_number_index = models.CharField(max_length=32, null=True, blank=True, unique=True)
    bank_account_encrypted = models.BinaryField(null=True, blank=True)
    death_date = models.DateField(_("date of death"), null=True, blank=True)

    class Meta:
        ordering = ["village__code", "id"]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    def set_id_number(self, number: str) -> None:
        """Store a validated, normalised ID number: ciphertext, blind index and mask."""
        self.id_number_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        self.id_number_index = id_number_index(number)
        self.id_number_masked = mask_id_number(number)

    def set_card_number(self, number: str) -> None:
        self.card_number_encrypted = crypto.encrypt(number, context=CARD_CONTEXT)
        self.card_number_index = card_number_index(number)

    def set_bank_account(self, number: str) -> None:
        self.bank_account_encrypted = crypto.encrypt(number, context=BANK_CONTEXT)

    def set_phone(self, number: str) -> None:
        self.phone_encrypted = crypto.encrypt(number, context=PHONE_CONTEXT)

    def phone(self) -> str:
        """The phone on file, decrypted, or ""."""
        if self.phone_encrypted is None:
            return ""
        return crypto.decrypt(bytes(self.phone_encrypted), context=PHONE_CONTEXT)


def id_number_index(number: str) -> str:
    """The key that finds a person by ID number in every table that holds one."""
    return crypto.blind_index(number, context=ID_CONTEXT, size=crypto.KEY_BYTES)


def card_number_index(number: str) -> str:
    return crypto.blind_index(number, context=CARD_CONTEXT, size=crypto.KEY_BYTES)


class Post(models.Model):
    """A resident's position in a unit (职务), from `start` until `end` (open if null)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    holder = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("title"), max_length=64)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="post_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.title}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class CadreManager(models.Manager["Cadre"]):
    def get_queryset(self) -> models.QuerySet["Cadre"]:
        today = timezone.localdate()
        current = Q(posts__start__lte=today) & (
            Q(posts__end__isnull=True) | Q(posts__end__gte=today)
        )
        return super().get_queryset().filter(current).distinct()


class Cadre(Resident):
    """A resident who holds a current post (干部 / 村干部)."""

    objects = CadreManager()  # type: ignore[misc]

    class Meta:
        proxy = True


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    SIBLING = "sibling", _("sibling")
    GRANDPARENT = "grandparent", _("grandparent")
    GRANDCHILD = "grandchild", _("grandchild")
    IN_LAW = "in_law", _("parent-in-law or child-in-law")


class Relative(models.Model):
    """A near relative (近亲属) that a cadre declared."""

    cadre = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="declared_relatives")
    relative = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    declared_on = models.DateField(_("declared on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cadre", "relative"], name="relative_declared_once"),
            models.CheckConstraint(
                condition=~Q(cadre=models.F("relative")), name="relative_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.relative} ({self.relation})"
