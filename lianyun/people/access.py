"""Who may look at which resident: officials, inside their scope only."""

from django.db.models import Q
from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.people.models import Post, Resident
from lianyun.people.queries import current_unit_ids, recused_resident_ids, resident_by_id_number
from lianyun.regions.access import access_region, scope_of
from lianyun.regions.models import Region

# The roles whose work needs the resident register, inside their scope: the village's cadres
# and integrity officer (公示, 低保 lists), the inspection groups, and the commissions (cases).
# The custodian judges identity requests, a county department hands over payout files (the
# import matches ID numbers itself), the auditor reads the audit log, the IT operator runs the
# system: none of them browses or searches residents.
REGISTER_ROLES = frozenset(
    {
        Role.VILLAGE_CADRE,
        Role.INTEGRITY_OFFICER,
        Role.INSPECTOR,
        Role.TOWN_COMMISSION,
        Role.COUNTY_COMMISSION,
    }
)


def register_scope(user: Actor) -> Region:
    """The region whose residents this user may list and look up; 404 for any other role."""
    scope = scope_of(user)
    if getattr(user, "role", "") not in REGISTER_ROLES:
        raise Http404
    return scope


def access_register_region(user: Actor, code: str) -> Region:
    register_scope(user)
    return access_region(user, code)


def access_resident_by_id_number(user: Actor, number: str) -> Resident | None:
    """The resident with this ID number if the user's scope holds them, else None.

    "Not in your scope" and "no such person" answer alike, so the lookup cannot be used to
    learn whether someone lives elsewhere in the county.
    """
    scope = register_scope(user)
    resident = resident_by_id_number(number)
    if resident is None:
        return None
    if not scope.contains(resident.village):
        return None
    return resident


def recusal_filter(
    user: Actor, *, person_field: str, unit_field: str, named: str | None = None
) -> Q:
    """What this user must never see about people and units: the one recusal rule.

    Excluded are matters about the user, about anyone the user declared as a relative (or
    who declared the user), about a unit the user holds a post in or is attached to, and
    about anyone holding a post in one of those units (docs/security.md threat 1).
    `person_field` and `unit_field` name the lookups of the subject on the filtered model;
    `named`, where given, the path to petitions whose free text named people and units
    ("" on petitions themselves), which count as subjects too.
    """
    units: set[int] = set()
    people: set[int] = set()
    unit_id = getattr(user, "unit_id", None)
    if unit_id:
        units.add(unit_id)
    resident: Resident | None = getattr(user, "resident", None)
    if resident is not None:
        units |= current_unit_ids(resident)
        people = recused_resident_ids(resident)
    colleagues = Post.objects.filter(unit_id__in=units).values("holder_id")
    recused = (
        Q(**{f"{person_field}__in": people})
        | Q(**{f"{unit_field}__in": units})
        | Q(**{f"{person_field}__in": colleagues})
    )
    if named is not None:
        recused |= (
            Q(**{f"{named}named_people__in": people})
            | Q(**{f"{named}named_people__in": colleagues})
            | Q(**{f"{named}named_units__in": units})
        )
    return recused
