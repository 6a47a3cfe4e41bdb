from django.core.management.base import BaseCommand, CommandError

from lianyun.publications.queries import latest_checkpoint, unsigned_before, verify_chain


class Command(BaseCommand):
    help = "Recompute every published entry's hash and every checkpoint's root; report changes."

    def handle(self, *args: object, **options: object) -> None:
        problems = verify_chain()
        for problem in problems:
            self.stderr.write(f"{problem.where}: {problem.reason}")
        if problems:
            raise CommandError(
                f"发布记录链校验失败 / the publication chain failed verification: {len(problems)} problems"
            )
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            self.stdout.write("发布记录链为空 / the publication chain is empty")
        else:
            self.stdout.write(
                f"发布记录链完好 / publication chain intact: size {checkpoint.size}, root {checkpoint.root}"
            )
            unsigned = unsigned_before()
            if unsigned:
                self.stdout.write(
                    f"{unsigned} 个检查点早于签名启用，未签名 / "
                    f"{unsigned} checkpoints predate signing and carry no signature"
                )
