from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from lianyun.accounts.actions import issue_api_token
from lianyun.accounts.models import User
from lianyun.core.cli import LocalizedError, bilingual


class Command(BaseCommand):
    help = "Issue an API token for an official's client; printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api client")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                bilingual(
                    LocalizedError(_("Unknown account %(name)s."), {"name": options["username"]})
                )
            )
        try:
            token = issue_api_token(user=user, name=str(options["name"]))
        except ValidationError as error:
            raise CommandError(bilingual(error)) from None
        self.stdout.write(f"API token (shown once): {token}")
