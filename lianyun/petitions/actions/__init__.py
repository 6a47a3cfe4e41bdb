"""Every state change of a petition, each with its statutory clock, event and audit row, one
module per subject: filing, handling, the named petitioner's identity, rectification items,
notifications and the daily housekeeping.

The petitioner-facing actions take no actor (anonymous) or the petitioner's account, and
record nothing about the network: no IP address, no user agent (docs/security.md S4).
"""

from lianyun.petitions.actions._common import (
    MAX_DESCRIPTION,
    MAX_EXTENSION_DAYS,
    MIN_DESCRIPTION,
    Submitted,
    read_description,
    read_message,
)
from lianyun.petitions.actions.filing import dispute_payout, route, submit_petition
from lianyun.petitions.actions.handling import (
    accept_petition,
    answer_petition,
    appeal_petition,
    assign_petitions,
    confirm_subject,
    extend_petition,
    forward_petition,
    post_message,
    rate_petition,
    refuse_petition,
)
from lianyun.petitions.actions.housekeeping import (
    close_lapsed_petitions,
    daily_housekeeping,
    escalate_overdue,
    purge_expired_petitions,
)
from lianyun.petitions.actions.identity import (
    ReporterIdentity,
    decide_identity_request,
    request_identity,
    reveal_reporter,
)
from lianyun.petitions.actions.notifications import SMS_TEXTS, notify_handlers, text_petitioner
from lianyun.petitions.actions.rectification import (
    rectifications_of,
    register_petition_rectification,
)

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_EXTENSION_DAYS",
    "MIN_DESCRIPTION",
    "SMS_TEXTS",
    "ReporterIdentity",
    "Submitted",
    "accept_petition",
    "answer_petition",
    "appeal_petition",
    "assign_petitions",
    "close_lapsed_petitions",
    "confirm_subject",
    "daily_housekeeping",
    "decide_identity_request",
    "dispute_payout",
    "escalate_overdue",
    "extend_petition",
    "forward_petition",
    "notify_handlers",
    "post_message",
    "purge_expired_petitions",
    "rate_petition",
    "read_description",
    "read_message",
    "rectifications_of",
    "refuse_petition",
    "register_petition_rectification",
    "request_identity",
    "reveal_reporter",
    "route",
    "submit_petition",
    "text_petitioner",
]
