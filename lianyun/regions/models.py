"""The administrative tree (county → town → village) and the units that act in it.

A region is known by its 12-digit statistical code (统计用区划代码): 6 digits of county,
3 of town (000-099 街道, 100-199 镇, 200-299 乡), 3 of village (001-199 社区, 200-399 村).
Scope checks compare code prefixes, so "is this village in my town" needs no join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianyun.regions.codes import CODE_DIGITS, COUNTY_DIGITS, TOWN_DIGITS


class RegionKind(models.TextChoices):
    COUNTY = "county", _("county")
    TOWN = "town", _("town")
    VILLAGE = "village", _("village")


class RegionForm(models.TextChoices):
    """The legal form within a level: 镇/乡/街道 for towns, 村/社区 for villages."""

    COUNTY = "county", _("county")
    TOWN = "town", _("town (镇)")
    TOWNSHIP = "township", _("township (乡)")
    SUBDISTRICT = "subdistrict", _("subdistrict (街道)")
    VILLAGE = "village", _("village (村)")
    COMMUNITY = "community", _("community (社区)")


PREFIX_LENGTH = {
    RegionKind.COUNTY: COUNTY_DIGITS,
    RegionKind.TOWN: TOWN_DIGITS,
    RegionKind.VILLAGE: CODE_DIGITS,
}


class Region(models.Model):
    code = models.CharField(_("statistical code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("level"), max_length=16, choices=RegionKind.choices)
    form = models.CharField(_("form"), max_length=16, choices=RegionForm.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RegionKind.values), name="region_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="county", parent__isnull=True)
                | models.Q(parent__isnull=False),
                name="region_only_county_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        """The leading digits shared by this region and everything under it."""
        return self.code[: PREFIX_LENGTH[RegionKind(self.kind)]]

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.scope_prefix)


class UnitKind(models.TextChoices):
    COMMISSION = "commission", _("discipline inspection and supervision commission")
    DEPARTMENT = "department", _("county department")
    PARTY_COMMITTEE = "party_committee", _("party committee")
    GOVERNMENT = "government", _("people's government")
    VILLAGE_COMMITTEE = "village_committee", _("village committee")
    VILLAGE_SUPERVISION = "village_supervision", _("village affairs supervision committee")


class Unit(models.Model):
    """An organ that acts: 县纪委监委, a town commission, 县民政局, a village committee …"""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["region__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region"),
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
