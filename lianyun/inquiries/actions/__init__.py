"""Writes for 阳光问廉 and 群众来问廉, one module per subject: online questions (`questions`),
meetings (`meetings`), notifications and the daily housekeeping. Each action owns its
transaction and its audit row; a refusal is a ValidationError in the user's language and
writes nothing.
"""

from lianyun.inquiries.actions._common import answer_rule, screen_rule
from lianyun.inquiries.actions.housekeeping import daily_housekeeping, escalate_overdue
from lianyun.inquiries.actions.meetings import (
    demand_confirmation,
    demand_feedback,
    publish_result,
    record_demand,
    record_statement,
    record_vote,
    schedule_meeting,
)
from lianyun.inquiries.actions.notifications import SMS_TEXTS, text_asker
from lianyun.inquiries.actions.questions import (
    CommitmentIn,
    answer,
    ask,
    conclude_referred,
    rate,
    screen,
)

__all__ = [
    "SMS_TEXTS",
    "CommitmentIn",
    "answer",
    "answer_rule",
    "ask",
    "conclude_referred",
    "daily_housekeeping",
    "demand_confirmation",
    "demand_feedback",
    "escalate_overdue",
    "publish_result",
    "rate",
    "record_demand",
    "record_statement",
    "record_vote",
    "schedule_meeting",
    "screen",
    "screen_rule",
    "text_asker",
]
