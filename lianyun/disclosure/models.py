"""三务公开: a village's party (党务), village (村务) and finance (财务) disclosures.

A disclosure is posted once and never edited: the database refuses UPDATE and DELETE on it, and
its content goes into the publication chain as it is posted. A mistake is put right by a new
disclosure that corrects the old; the public sees both and the difference. Villagers may object
within the objection window; each objection is a petition in the case engine.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianyun.core.models import EncryptedFile
from lianyun.petitions.models import Petition
from lianyun.publications.models import Entry
from lianyun.regions.models import Region


class DisclosureKind(models.TextChoices):
    PARTY = "party", _("party affairs")
    VILLAGE = "village", _("village affairs")
    FINANCE = "finance", _("village finances")


class Disclosure(models.Model):
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(_("kind"), max_length=16, choices=DisclosureKind.choices)
    major = models.BooleanField(_("major matter, published at once"), default=False)
    period = models.CharField(_("period"), max_length=7, blank=True)  # 2026-10 or 2026-Q4
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("content"))
    posted_on = models.DateField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="disclosure")
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted_on", "-pk"]
        indexes = [models.Index(fields=["village", "kind", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DisclosureKind.values), name="disclosure_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(period__regex=r"^([0-9]{4}-(0[1-9]|1[0-2]|Q[1-4]))?$"),
                name="disclosure_period_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.kind} {self.period} {self.title}"


class DisclosureFile(EncryptedFile):
    """A scan or picture posted with a disclosure; its SHA-256 is in the published record."""

    folder = "disclosures"
    context = "disclosure.DisclosureFile"

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="files")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"file {self.pk} of disclosure {self.disclosure_id}"


class Objection(models.Model):
    """A villager's objection to a disclosure, filed as a petition."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="objections")
    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="objection")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"objection to {self.disclosure_id}"
