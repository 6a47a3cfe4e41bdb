"""Reads over the registry."""

from django.db.models import QuerySet

from lianyun.people.models import Cadre, Household, Resident, id_number_index
from lianyun.regions.models import Region


def resident_by_id_number(number: str) -> Resident | None:
    """Find a resident by a validated, normalised ID number through the blind index."""
    return (
        Resident.objects.filter(id_number_index=id_number_index(number))
        .select_related("village", "village__parent", "household")
        .first()
    )


def residents_within(region: Region) -> QuerySet[Resident]:
    return Resident.objects.filter(village__code__startswith=region.scope_prefix)


def households_within(region: Region) -> QuerySet[Household]:
    return Household.objects.filter(village__code__startswith=region.scope_prefix)


def cadres_within(region: Region) -> QuerySet[Cadre]:
    return Cadre.objects.filter(village__code__startswith=region.scope_prefix)
