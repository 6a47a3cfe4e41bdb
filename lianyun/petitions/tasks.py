"""Background work for petitions: texts to named petitioners, the nightly housekeeping."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianyun.petitions import actions


@db_task(retries=3, retry_delay=60)
def text_petitioner(petition_id: int, event: str) -> None:
    actions.text_petitioner(petition_id=petition_id, event=event)


@db_periodic_task(crontab(hour="1", minute="30"))
def nightly_housekeeping() -> None:
    actions.daily_housekeeping()
