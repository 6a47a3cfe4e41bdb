"""Background work for 大数据比对: every ten minutes, if payout batches have been imported
since the last run, the rules run incrementally over the people and accounts they touch."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from lianyun.redflags import actions


@db_periodic_task(crontab(minute="*/10"))
@lock_task("redflags-crosscheck")
def crosscheck_new_batches() -> None:
    actions.crosscheck_new_batches()
