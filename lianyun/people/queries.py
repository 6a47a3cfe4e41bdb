"""Reads over the registry."""

import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from lianyun.people.models import Household, Post, Relative, Resident, id_number_index
from lianyun.regions.models import Region, Unit, UnitKind


def resident_by_id_number(number: str) -> Resident | None:
    """Find a resident by a validated, normalised ID number through the blind index."""
    return (
        Resident.objects.filter(id_number_index=id_number_index(number))
        .select_related("village", "village__parent", "household")
        .first()
    )


# What proving to be a person needs: the name to compare, the card's index, the phone on file;
# in the model's order, which is the order Model.from_db takes them in.
_PROOF_FIELDS = [
    field.attname
    for field in Resident._meta.concrete_fields
    if field.attname in {"id", "name", "id_number_index", "card_number_index", "phone_encrypted"}
]


def resident_for_proof(index: str) -> Resident | None:
    """The resident with this ID blind index, with only what a lookup checks loaded (the rest
    loads if touched). Written out: every personal lookup asks it, and the ORM's query building
    cost five times the database's answer."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(name) for name in _PROOF_FIELDS)} "  # noqa: S608
            f"FROM {quote(Resident._meta.db_table)} WHERE id_number_index = %s",
            [index],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Resident.from_db(connection.alias, _PROOF_FIELDS, list(row))


def residents_within(region: Region) -> QuerySet[Resident]:
    return Resident.objects.filter(village__code__startswith=region.scope_prefix)


def households_within(region: Region) -> QuerySet[Household]:
    return Household.objects.filter(village__code__startswith=region.scope_prefix)


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


# Shorter names would match inside ordinary words; Chinese full names have two characters or
# more, and a unit's name is matched whole.
MIN_NAME = 2


def named_in(text: str, *, on: datetime.date | None = None) -> tuple[set[int], set[int]]:
    """The officials (anyone holding a post), their declared relatives and the units whose
    full names appear in a free text: (resident ids, unit ids). Used so that a petition that
    names an official in its own words is kept from that official as if they had been picked
    as its subject. A common name can match someone the writer did not mean; that errs on the
    side of keeping the petition away from one more person until a commission confirms."""
    on = on or timezone.localdate()
    if not text.strip():
        return set(), set()
    current = Q(end__isnull=True) | Q(end__gte=on)
    officials = Resident.objects.filter(posts__in=Post.objects.filter(current, start__lte=on))
    relatives = Resident.objects.filter(
        Q(pk__in=Relative.objects.filter(cadre__in=officials).values("relative_id"))
    )
    directory = (
        officials.order_by()
        .values_list("pk", "name")
        .union(relatives.order_by().values_list("pk", "name"))
    )
    people = {pk for pk, name in directory if len(name) >= MIN_NAME and name in text}
    units = {
        pk
        for pk, name in Unit.objects.values_list("pk", "name")
        if len(name) >= MIN_NAME and name in text
    }
    return people, units


def current_posts(regions: list[Region], today: datetime.date) -> list[Post]:
    """The posts held today in the units of these regions, unit by unit."""
    return list(
        Post.objects.filter(unit__region__in=regions, start__lte=today)
        .exclude(end__lt=today)
        .select_related("unit", "holder")
        .order_by("unit__region__code", "unit__name", "pk")
    )
