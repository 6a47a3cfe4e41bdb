"""Background work for 阳光问廉: texts to askers, the nightly escalation of late answers."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianyun.inquiries import actions


@db_task(retries=3, retry_delay=60)
def text_asker(inquiry_id: int, event: str) -> None:
    actions.text_asker(inquiry_id=inquiry_id, event=event)


@db_periodic_task(crontab(hour="1", minute="40"))
def nightly_escalation() -> None:
    actions.daily_housekeeping()
