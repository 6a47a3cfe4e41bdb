"""The roles an account can hold. They live in core so that every app's access code, the
registry's and the regions' included, can name them without importing accounts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGER = "villager", _("villager")
    INTEGRITY_OFFICER = "integrity_officer", _("integrity officer")
    VILLAGE_CADRE = "village_cadre", _("village cadre")
    INSPECTOR = "inspector", _("inspector")
    TOWN_COMMISSION = "town_commission", _("town commission")
    COUNTY_COMMISSION = "county_commission", _("county commission")
    COUNTY_DEPARTMENT = "county_department", _("county department")
    CUSTODIAN = "custodian", _("custodian")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")
