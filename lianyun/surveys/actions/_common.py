"""What the survey actions share: limits, the refusals a ballot may get, the audit row."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.models import User
from lianyun.core import audit
from lianyun.surveys.models import Survey

MAX_TEXT = 1000


MAX_SHEET = 50


# What a second answer learns: this, and nothing more.
ALREADY = gettext_lazy("This survey has already been answered with this ballot or by you.")


BAD_TOKEN = gettext_lazy("This ballot code is not valid for this survey.")


AnswerSet = dict[int, dict[int, Any]]  # target id → question id → score, choice(s) or text


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


def _require_draft(survey: Survey) -> None:
    if survey.launched_at is not None:
        raise ValidationError(_("A launched survey cannot be changed."))
