"""What the 村居巡检 actions share: the checklist's answers, the photo limit, the audit row."""

from typing import Any

from lianyun.accounts.models import User
from lianyun.core import audit

CHECK_ANSWERS = {"ok", "problem", "n/a"}


MAX_PHOTOS = 10


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )
