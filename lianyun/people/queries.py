"""Reads over the registry."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from lianyun.people.models import Cadre, Household, Relative, Resident, id_number_index
from lianyun.regions.models import Region, UnitKind


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


def is_village_cadre(person: Resident, on: datetime.date | None = None) -> bool:
    """Holds a current post in a village committee or village supervision committee."""
    on = on or timezone.localdate()
    return person.posts.filter(
        Q(end__isnull=True) | Q(end__gte=on),
        start__lte=on,
        unit__kind__in=[UnitKind.VILLAGE_COMMITTEE, UnitKind.VILLAGE_SUPERVISION],
    ).exists()


def recused_resident_ids(person: Resident) -> set[int]:
    """The person and everyone they declared as a relative, or who declared them."""
    ids = {person.pk}
    for cadre_id, relative_id in Relative.objects.filter(
        Q(cadre=person) | Q(relative=person)
    ).values_list("cadre_id", "relative_id"):
        ids.update((cadre_id, relative_id))
    return ids


def current_unit_ids(person: Resident, on: datetime.date | None = None) -> set[int]:
    on = on or timezone.localdate()
    return set(
        person.posts.filter(Q(end__isnull=True) | Q(end__gte=on), start__lte=on).values_list(
            "unit_id", flat=True
        )
    )
