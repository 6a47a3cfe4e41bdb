from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from lianyun.core.cli import LocalizedError, bilingual
from lianyun.core.workdays import CalendarFileError, load_calendar_file


class Command(BaseCommand):
    help = "Load one year's public holidays and swapped working days from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)  # noqa: S101 - argparse type
        try:
            year = load_calendar_file(path)
        except CalendarFileError as error:
            raise CommandError(
                bilingual(
                    LocalizedError(
                        _("The calendar file was not loaded, nothing changed: %(error)s"),
                        {"error": str(error)},
                    )
                )
            ) from None
        days = year.year
        self.stdout.write(f"Loaded the calendar for {days} ({year.source}).")
