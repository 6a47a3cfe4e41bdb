from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.publications.witness import HttpTransport, Witness


class Command(BaseCommand):
    help = (
        "Witness a lianyun site's publication record from outside: check its latest checkpoint "
        "extends the last one seen, co-sign it and hand the co-signature to the site; refuse and "
        "report a rollback. Run it on another body's machine, say hourly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the site, e.g. https://lianyun.example.gov.cn")
        parser.add_argument(
            "--state", required=True, type=Path, help="this witness's file (keep it private)"
        )
        parser.add_argument("--name", default="", help="this witness's name, on the first run")

    def handle(self, *args: object, **options: object) -> None:
        state, url, name = options["state"], options["url"], options["name"]
        assert isinstance(state, Path) and isinstance(url, str) and isinstance(name, str)  # noqa: S101
        try:
            outcome = Witness(state, HttpTransport(url)).run(name)
        except (OSError, ValueError) as error:
            raise CommandError(f"无法见证 / cannot witness: {error}") from None
        if outcome.public_key:
            self.stdout.write(
                "请将此行交给县纪委监委配置 / give this line to the county to configure "
                f"LIANYUN_WITNESSES: {name}:{outcome.public_key}"
            )
        if not outcome.accepted:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
