"""Writes for 民意测评, one module per subject: building (`building`), the sample (`sample`),
paper ballots (`ballots`), answering (`answering`), closing and moderation (`closing`).
A refusal is a ValidationError in the user's language and writes nothing; each action owns
its transaction.

Answering writes no audit row, log line or time: the secrecy of the answer depends on there
being nothing that says when a person answered beyond the day their answer keeps.
"""

from lianyun.surveys.actions._common import ALREADY, BAD_TOKEN, MAX_SHEET, MAX_TEXT, AnswerSet
from lianyun.surveys.actions.answering import (
    check_open,
    clean_answers,
    eligible_targets,
    submit,
    targets_for,
)
from lianyun.surveys.actions.ballots import (
    code_index,
    make_sheet,
    new_code,
    normalise_code,
    sheet_codes,
    show_code,
    token_for,
)
from lianyun.surveys.actions.building import (
    add_question,
    add_target,
    create_survey,
    launch,
    official_post,
    remove_question,
    remove_target,
    satisfaction_survey,
)
from lianyun.surveys.actions.closing import close, close_due, moderate
from lianyun.surveys.actions.sample import (
    INVITE_TEXT,
    draw_sample,
    interview_phone,
    quota_for,
    sample_picks,
    text_invited,
)

__all__ = [
    "ALREADY",
    "BAD_TOKEN",
    "INVITE_TEXT",
    "MAX_SHEET",
    "MAX_TEXT",
    "AnswerSet",
    "add_question",
    "add_target",
    "check_open",
    "clean_answers",
    "close",
    "close_due",
    "code_index",
    "create_survey",
    "draw_sample",
    "eligible_targets",
    "interview_phone",
    "launch",
    "make_sheet",
    "moderate",
    "new_code",
    "normalise_code",
    "official_post",
    "quota_for",
    "remove_question",
    "remove_target",
    "sample_picks",
    "satisfaction_survey",
    "sheet_codes",
    "show_code",
    "submit",
    "targets_for",
    "text_invited",
    "token_for",
]
