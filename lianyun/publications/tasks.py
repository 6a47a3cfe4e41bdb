"""Background work for the publication record: the audit log's head, published every night."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from lianyun.publications import actions


@db_periodic_task(crontab(hour="1", minute="40"))
@lock_task("publications-anchor-audit")
def nightly_audit_anchor() -> None:
    actions.anchor_audit_log()
