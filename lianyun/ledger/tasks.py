"""Background work for the ledger: imports handed over on the upload page or by the API, the
payment notices texted to recipients, and dropping month loads no import will attach."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianyun.ledger import actions, partitions


@db_task()  # no retries: a failed upload says so on its page and is handed over again
def run_payout_upload(upload_id: int) -> None:
    actions.run_upload(upload_id=upload_id)


@db_task(retries=3, retry_delay=60)
def text_payout_recipients(batch_id: int) -> None:
    actions.text_recipients(batch_id=batch_id)


@db_task(retries=2, retry_delay=10)
def text_lookup_code(resident_id: int, sealed: bytes) -> None:
    actions.text_lookup_code(resident_id=resident_id, sealed=sealed)


@db_periodic_task(crontab(hour="2", minute="15"))
def nightly_drop_abandoned_loads() -> None:
    partitions.drop_abandoned_loads()
