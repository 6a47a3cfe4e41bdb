"""Writes and audited reads on the registry."""

from lianyun.core import audit
from lianyun.core.access import Actor
from lianyun.people.models import Resident


def record_resident_lookup(*, actor: Actor | None, resident: Resident | None, purpose: str) -> None:
    """Log an official's lookup by ID number: who, why, and whom it found (never the number)."""
    audit.record(
        action="lookup:resident",
        actor=actor,
        object_type="people.Resident",
        object_id=resident.pk if resident is not None else "",
        purpose=purpose,
        detail={"found": resident is not None},
    )


def record_register_view(*, actor: Actor | None, region_code: str, page: int) -> None:
    """Log an official's page of the resident register: who, which village, which page."""
    audit.record(
        action="view:residents",
        actor=actor,
        object_type="regions.Region",
        object_id=region_code,
        detail={"region": region_code, "page": page},
    )
