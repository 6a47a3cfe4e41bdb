"""Who may look at which resident: officials, inside their scope only."""

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.people.models import Resident
from lianyun.people.queries import resident_by_id_number
from lianyun.regions.access import scope_of


def access_resident_by_id_number(user: Actor, number: str) -> Resident | None:
    """The resident with this ID number if the user's scope holds them, else None.

    "Not in your scope" and "no such person" answer alike, so the lookup cannot be used to
    learn whether someone lives elsewhere in the county.
    """
    scope = scope_of(user)
    resident = resident_by_id_number(number)
    if resident is None:
        return None
    if not scope.contains(resident.village):
        return None
    return resident


def access_resident(user: Actor, resident_id: int) -> Resident:
    scope = scope_of(user)
    resident = Resident.objects.select_related("village").filter(pk=resident_id).first()
    if resident is None:
        raise Http404
    if not scope.contains(resident.village):
        raise Http404
    return resident
