from django.core.management.base import BaseCommand, CommandError

from lianyun.core.audit import verify_chain
from lianyun.core.models import AuditEntry


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and report every entry that does not match."

    def handle(self, *args: object, **options: object) -> None:
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(f"entry {problem.seq}: {problem.reason}")
        if problems:
            raise CommandError(
                f"审计日志校验失败 / the audit log failed verification: {len(problems)} problems"
            )
        self.stdout.write(f"审计日志完好 / audit log intact: {AuditEntry.objects.count()} entries")
