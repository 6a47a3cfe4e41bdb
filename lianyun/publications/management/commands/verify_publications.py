from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.publications.queries import (
    Kept,
    latest_checkpoint,
    parse_kept,
    unsigned_before,
    verify_chain,
)
from lianyun.publications.witness import fetch_text


class Command(BaseCommand):
    help = (
        "Recompute every published entry's hash, the tree's stored hashes and every checkpoint's "
        "root in one pass; check signatures, the audit log's published heads and every published "
        "row still live; with --against, prove the record still extends a checkpoint kept "
        "outside it (printed on a notice, in a file, or at a URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--against",
            action="append",
            default=[],
            metavar="CHECKPOINT",
            help='"SIZE:ROOT" as a notice prints it (16 or more hex digits of the root), a file '
            "holding a checkpoint, or the URL of one (/publications/checkpoint.json).",
        )

    def handle(self, *args: object, **options: object) -> None:
        against = options["against"]
        assert isinstance(against, list)  # noqa: S101 - argparse's append
        kept = [self._kept(str(source)) for source in against]
        self._shown = False
        problems = verify_chain(progress=self._progress, against=kept)
        if self._shown:
            self.stderr.write("")
        for problem in problems:
            self.stderr.write(f"{problem.where}: {problem.reason}")
        if problems:
            raise CommandError(
                f"发布记录链校验失败 / the publication chain failed verification: {len(problems)} problems"
            )
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            self.stdout.write("发布记录链为空 / the publication chain is empty")
            return
        self.stdout.write(
            f"发布记录链完好 / publication chain intact: size {checkpoint.size}, root {checkpoint.root}"
        )
        for one in kept:
            self.stdout.write(
                f"包含检查点 {one.size} / extends the kept checkpoint {one.size}:{one.root}"
            )
        unsigned = unsigned_before()
        if unsigned:
            self.stdout.write(
                f"{unsigned} 个检查点早于签名启用，未签名 / "
                f"{unsigned} checkpoints predate signing and carry no signature"
            )

    def _kept(self, source: str) -> Kept:
        try:
            if source.startswith(("http://", "https://")):
                text = fetch_text(source)
            elif Path(source).is_file():
                text = Path(source).read_text(encoding="utf-8")
            else:
                text = source
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取检查点 / cannot read the checkpoint: {error}") from None
        kept = parse_kept(text)
        if kept is None:
            raise CommandError(
                "检查点应为“条数:根哈希”（至少16位十六进制）/ a checkpoint is SIZE:ROOT, "
                "with at least 16 hex digits of the root"
            )
        return kept

    def _progress(self, done: int) -> None:
        self._shown = True
        self.stderr.write(f"\r{done} entries checked", ending="")
        self.stderr.flush()
