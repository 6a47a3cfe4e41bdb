"""Writes for 村居巡检, one module per subject: groups and visits (`visits`), account checks
(`sampling`), monthly reports (`reports`) and the county's settings (`county`). A refusal is
a ValidationError in the user's language and writes nothing; each action owns its
transaction and its audit row.
"""

from lianyun.inspections.actions._common import CHECK_ANSWERS, MAX_PHOTOS
from lianyun.inspections.actions.county import add_checklist_item, retire_checklist_item, set_weight
from lianyun.inspections.actions.reports import (
    compile_report,
    report_figures,
    send_summary,
    sign_report,
    summary_figures,
)
from lianyun.inspections.actions.sampling import (
    SAMPLE_SIZE,
    check_sample_item,
    draw_sample,
    record_expenditure,
    sample_picks,
)
from lianyun.inspections.actions.visits import form_group, log_visit, raise_finding, review_finding

__all__ = [
    "CHECK_ANSWERS",
    "MAX_PHOTOS",
    "SAMPLE_SIZE",
    "add_checklist_item",
    "check_sample_item",
    "compile_report",
    "draw_sample",
    "form_group",
    "log_visit",
    "raise_finding",
    "record_expenditure",
    "report_figures",
    "retire_checklist_item",
    "review_finding",
    "sample_picks",
    "send_summary",
    "set_weight",
    "sign_report",
    "summary_figures",
]
