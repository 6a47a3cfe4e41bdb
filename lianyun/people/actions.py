"""Writes and audited reads on the registry."""

from typing import Any

from django.db import transaction

from lianyun.core import audit, crypto
from lianyun.people.models import ID_CONTEXT, Resident


@transaction.atomic
def reveal_id_number(*, resident: Resident, actor: Any, purpose: str) -> str:
    """Decrypt a resident's full ID number for an official; one audit row per reveal."""
    audit.record(
        action="read:id_number",
        actor=actor,
        object_type="people.Resident",
        object_id=resident.pk,
        purpose=purpose,
    )
    return crypto.decrypt(resident.id_number_encrypted, context=ID_CONTEXT)


def record_resident_lookup(*, actor: Any, resident: Resident | None, purpose: str) -> None:
    """Log an official's lookup by ID number: who, why, and whom it found (never the number)."""
    audit.record(
        action="lookup:resident",
        actor=actor,
        object_type="people.Resident",
        object_id=resident.pk if resident is not None else "",
        purpose=purpose,
        detail={"found": resident is not None},
    )


def record_register_view(*, actor: Any, region_code: str, page: int) -> None:
    """Log an official's page of the resident register: who, which village, which page."""
    audit.record(
        action="view:residents",
        actor=actor,
        object_type="regions.Region",
        object_id=region_code,
        detail={"region": region_code, "page": page},
    )
