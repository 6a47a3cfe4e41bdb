import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from lianyun.accounts.actions import create_account
from lianyun.core.cli import LocalizedError, bilingual
from lianyun.core.roles import Role
from lianyun.regions.models import Unit
from lianyun.regions.queries import region_by_code


class Command(BaseCommand):
    help = "Create an account scoped to a region; prints an official's TOTP secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="12-digit statistical code")
        parser.add_argument("--unit", default="", help="unit name, for county departments")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--password", default="", help="omit to be asked")

    def handle(self, *args: object, **options: object) -> None:
        code = str(options["region"])
        region = region_by_code(code)
        if region is None:
            raise CommandError(
                bilingual(
                    LocalizedError(
                        _("Unknown region code %(code)s: no region has this code."), {"code": code}
                    )
                )
            )
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(name=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    bilingual(
                        LocalizedError(_("Unknown unit %(name)s."), {"name": options["unit"]})
                    )
                )
        password = str(options["password"]) or getpass.getpass()
        try:
            validate_password(password)
            new = create_account(
                username=str(options["username"]),
                password=password,
                role=str(options["role"]),
                region=region,
                unit=unit,
                display_name=str(options["name"]),
            )
        except ValidationError as error:
            raise CommandError(bilingual(error)) from None
        self.stdout.write(f"Created {new.user.username} ({new.user.role}, {region.code}).")
        if new.totp_secret:
            self.stdout.write(f"TOTP secret (shown once): {new.totp_secret}")
