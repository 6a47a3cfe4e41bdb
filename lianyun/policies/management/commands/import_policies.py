import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianyun.core.cli import bilingual
from lianyun.policies.actions import CatalogueError, import_catalogue


class Command(BaseCommand):
    help = (
        "Import subsidy categories and items from a catalogue JSON file (matched by name or alias)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)  # noqa: S101 - argparse type
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            result = import_catalogue(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"无法读取 / cannot read {path.name}: {error}") from None
        except CatalogueError as error:
            raise CommandError(bilingual(error)) from None
        self.stdout.write(f"{result.created} items created, {result.updated} updated.")
