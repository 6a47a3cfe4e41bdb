import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lianyun.core import crypto, rotation


class Command(BaseCommand):
    help = (
        "以当前数据密钥重新加密全部个人数据与文件。 "
        "Re-encrypt every personal value and file under the current data key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count the values and files under each key; change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(unit="行", desc="rotate", disable=not sys.stderr.isatty()) as bar:

            def progress(label: str, rows: int) -> None:
                bar.set_description(label)
                bar.update(rows)

            try:
                result = rotation.rotate(check=options["check"], progress=progress)
            except rotation.RotationStopped as error:
                raise CommandError(
                    f"无法解密 {error}；请确认 LIANYUN_DATA_KEYS 含有全部旧密钥。此前已重新加密的保持不变，"
                    f"修正后再次运行即可继续。\nCannot decrypt {error}; check that LIANYUN_DATA_KEYS "
                    "holds every older key. What was re-encrypted before stays so; run it again "
                    "once fixed and it goes on from there."
                ) from None
        current = crypto.current_key_id()
        keys = ", ".join(f"{key}: {count}" for key, count in sorted(result.keys.items())) or "-"
        self.stdout.write(
            f"当前密钥 / current key {current}; 重新加密 / re-encrypted {result.rewritten} values, "
            f"{result.files} files; 已是当前密钥 / already current {result.current}; "
            f"按密钥统计 / by key: {keys}"
        )
        older = sorted(key for key, count in result.keys.items() if key != current and count)
        if older:
            self.stdout.write(
                f"仍有数据使用旧密钥 {older}，请勿移除。 "
                f"Data still uses the older key(s) {older}: keep them in LIANYUN_DATA_KEYS."
            )
        else:
            self.stdout.write(
                "全部数据均使用当前密钥，旧密钥可移除。 "
                "Everything is under the current key: older keys may leave LIANYUN_DATA_KEYS."
            )
