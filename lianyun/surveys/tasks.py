"""Background work for 民意测评: texts to drawn villagers, closing surveys after their last day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianyun.surveys import actions


@db_task(retries=3, retry_delay=60)
def text_invited(survey_id: int, town_id: int) -> None:
    actions.text_invited(survey_id=survey_id, town_id=town_id)


@db_periodic_task(crontab(hour="0", minute="20"))
def nightly_close() -> None:
    actions.close_due()
