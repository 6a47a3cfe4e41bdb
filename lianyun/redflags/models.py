"""大数据比对: the reference registries the cross-checks compare the ledger with, the runs, and
the flags (疑点) they leave for a person to review.

Registries keep identity numbers only as the keyed index (and a masked form to show), like the
ledger. A flag is never public: it becomes a lead in the case engine when the commission
confirms it, and reaches the public only through the case engine's statistics. A flag's
fingerprint (its rule and the payouts it rests on) makes a run idempotent and makes a dismissal
stick: the same facts never flag again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.cases.models import Lead
from lianyun.ledger.models import Payout
from lianyun.people.models import Resident
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region


class RegistryKind(models.TextChoices):
    HOUSEHOLDS = "households", pgettext_lazy("registry", "households")
    DEATHS = "deaths", pgettext_lazy("registry", "deaths")
    PUBLIC_EMPLOYEES = "public_employees", pgettext_lazy("registry", "public employees")
    CADRES = "cadres", pgettext_lazy("registry", "village cadres")
    RELATIVES = "relatives", pgettext_lazy("registry", "cadres' relatives")
    SEPARATE_FILINGS = "separate_filings", pgettext_lazy("registry", "separate filings")


class RegistryImport(models.Model):
    kind = models.CharField(max_length=20, choices=RegistryKind.choices)
    sha256 = models.CharField(max_length=64)
    label = models.CharField(max_length=120, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="registry_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.sha256[:12]}"


class HouseholdLink(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    head_index = models.CharField(max_length=32)
    member_index = models.CharField(max_length=32)
    relation = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["head_index", "member_index"], name="household_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.head_index[:8]}>{self.member_index[:8]}"


class Death(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    id_index = models.CharField(max_length=32, unique=True)
    id_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    died_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.id_masked} {self.died_on}"


class PublicEmployee(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    id_index = models.CharField(max_length=32)
    id_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    unit = models.CharField(max_length=64)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["id_index", "start"], name="public_employee_once")
        ]

    def __str__(self) -> str:
        return f"{self.id_masked} {self.unit}"


class CadreTerm(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    id_index = models.CharField(max_length=32)
    id_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=32)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["id_index", "village", "start"], name="cadre_term_once")
        ]

    def __str__(self) -> str:
        return f"{self.id_masked} {self.title}"


class RelativeLink(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    cadre_index = models.CharField(max_length=32)
    relative_index = models.CharField(max_length=32)
    relation = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cadre_index", "relative_index"], name="relative_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre_index[:8]}~{self.relative_index[:8]}"


class SeparateFiling(models.Model):
    source = models.ForeignKey(RegistryImport, on_delete=models.CASCADE, related_name="+")
    id_index = models.CharField(max_length=32)
    item = models.ForeignKey(SubsidyItem, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["id_index", "item"], name="separate_filing_once")
        ]

    def __str__(self) -> str:
        return f"{self.id_index[:8]} {self.item_id}"


class Run(models.Model):
    """One run of the cross-checks: which rules, over which payouts, what it found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rules = models.JSONField(default=list)
    since = models.CharField(max_length=7, blank=True)  # first period scanned, YYYY-MM
    after_batch = models.PositiveBigIntegerField(default=0)  # incremental: batches above this
    last_batch = models.PositiveBigIntegerField(default=0)
    payouts_scanned = models.PositiveIntegerField(default=0)
    findings = models.PositiveIntegerField(default=0)
    flags_new = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("to review")
    ASKED = "asked", _("explanation asked of the village")
    CONFIRMED = "confirmed", _("confirmed: a lead")
    DISMISSED = "dismissed", _("dismissed")


class Flag(models.Model):
    rule = models.CharField(_("rule"), max_length=32)
    fingerprint = models.CharField(max_length=64, unique=True)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="flags")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        SubsidyItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.CharField(max_length=7)
    id_index = models.CharField(max_length=32)
    id_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payouts = models.ManyToManyField(Payout, related_name="+")
    stake = models.DecimalField(_("money at stake (yuan)"), max_digits=14, decimal_places=2)
    evidence = models.JSONField(default=dict)
    officials = models.JSONField(default=list)  # the village's cadres in office at the time
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    question = models.TextField(_("question to the village"), blank=True)
    explanation_due = models.DateField(null=True, blank=True)
    explanation = models.TextField(_("the village's explanation"), blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-stake", "pk"]
        indexes = [models.Index(fields=["status", "village"])]

    def __str__(self) -> str:
        return f"{self.rule}:{self.pk}"
