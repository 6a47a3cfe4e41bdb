"""The payout ledger's writes, one module per subject: importing a file (`imports`, which
checks it all and `writing`, which writes its finished rows), uploads handed over for the task
queue (`uploads`), the personal lookup (`lookup`), publishing boards (`boards`) and payment
notices (`notices`). docs/ledger-import.md draws the import.

Idempotent: the same file (by SHA-256) imported again writes nothing; a half-finished batch is
resumed; a payout already in the ledger (same serial or same content) is skipped and counted.
"""

from lianyun.ledger.actions._common import Progress
from lianyun.ledger.actions.boards import publish_board, publish_boards, publish_dibao
from lianyun.ledger.actions.imports import ImportSummary, import_payouts, in_order
from lianyun.ledger.actions.lookup import (
    LOOKUP_CODE_SEAL,
    queue_lookup_code,
    record_lookup,
    text_lookup_code,
)
from lianyun.ledger.actions.notices import CHUNK, NOTICE, payment_notice, text_recipients
from lianyun.ledger.actions.uploads import (
    STOPPED,
    IdempotencyConflict,
    drop_waiting,
    error_report,
    forget_mapping,
    name_columns,
    receive_upload,
    run_upload,
)
from lianyun.ledger.actions.writing import COLUMNS, FREE_TEXT

__all__ = [
    "CHUNK",
    "COLUMNS",
    "FREE_TEXT",
    "LOOKUP_CODE_SEAL",
    "NOTICE",
    "STOPPED",
    "IdempotencyConflict",
    "ImportSummary",
    "Progress",
    "drop_waiting",
    "error_report",
    "forget_mapping",
    "import_payouts",
    "in_order",
    "name_columns",
    "payment_notice",
    "publish_board",
    "publish_boards",
    "publish_dibao",
    "queue_lookup_code",
    "receive_upload",
    "record_lookup",
    "run_upload",
    "text_lookup_code",
    "text_recipients",
]
