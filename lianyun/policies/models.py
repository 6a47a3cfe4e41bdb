"""惠民惠农补贴政策: the policy categories and the payable subsidy items under them.

Amounts, frequencies and standards are data, edited by the department that owns the item; every
edit keeps the previous version. The payout importer finds items by name or alias.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianyun.regions.models import Unit


class PolicyCategory(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=32)
    name_en = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name_plural = "policy categories"

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")
    PER_EVENT = "per_event", _("per event")
    INSTALMENTS = "instalments", _("in instalments")


class SubsidyItem(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(_("item"), max_length=64, unique=True)
    aliases = models.CharField(_("other names"), max_length=200, blank=True)  # comma separated
    category = models.ForeignKey(PolicyCategory, on_delete=models.PROTECT, related_name="items")
    department = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="subsidy_items")
    standard = models.CharField(_("standard"), max_length=200)  # e.g. "每人每月 638 元" or "按差额"
    amount = models.DecimalField(
        _("standard amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_unit = models.CharField(_("per"), max_length=32, blank=True)  # 人·月, 亩·年 …
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    eligibility = models.TextField(_("who is eligible"))
    how_to_apply = models.TextField(_("how to apply"))
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="subsidy_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="subsidy_effective_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]


class SubsidyItemVersion(models.Model):
    """The item as it was before an edit, with who changed it and when."""

    item = models.ForeignKey(SubsidyItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="subsidy_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.version}"
