"""Background work for the ledger: imports handed over on the upload page or by the API, and
the payment notices texted to recipients."""

from huey.contrib.djhuey import db_task

from lianyun.ledger import actions


@db_task()  # no retries: a failed upload says so on its page and is handed over again
def run_payout_upload(upload_id: int) -> None:
    actions.run_upload(upload_id=upload_id)


@db_task(retries=3, retry_delay=60)
def text_payout_recipients(batch_id: int) -> None:
    actions.text_recipients(batch_id=batch_id)


@db_task(retries=2, retry_delay=10)
def text_lookup_code(resident_id: int, sealed: bytes) -> None:
    actions.text_lookup_code(resident_id=resident_id, sealed=sealed)
