"""Load and reset the demo county. One transaction: a failed load leaves nothing behind."""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.cases.models import Lead, Outcome, RectificationItem
from lianyun.core import audit, crypto
from lianyun.core.append_only import drop_guard, restore_guard
from lianyun.core.cli import LocalizedError
from lianyun.core.filestore import delete_files
from lianyun.core.roles import Role
from lianyun.demo.cases import seed_cases
from lianyun.demo.disclosures import seed_disclosures
from lianyun.demo.exams import seed_exams
from lianyun.demo.generator import (
    SCALES,
    DemoCounty,
    Generator,
    Progress,
    reset_sequences,
    totp_secret,
)
from lianyun.demo.handovers import seed_handovers
from lianyun.demo.inquiries import seed_inquiries
from lianyun.demo.inspections import seed_inspections
from lianyun.demo.learning import seed_learning, seed_talks
from lianyun.demo.payouts import load_demo_payouts
from lianyun.demo.redflags import seed_redflags
from lianyun.demo.surveys import seed_surveys
from lianyun.disclosure.models import Disclosure, DisclosureFile, Objection
from lianyun.exams.models import Attempt, AttemptAnswer, Exam, ExamQuestion
from lianyun.inquiries.models import Answer, Commitment, Demand, Inquiry, InquiryMeeting
from lianyun.inspections.models import (
    Expenditure,
    Finding,
    InspectionGroup,
    MonthlyReport,
    SampleItem,
    TownSummary,
    Visit,
    VisitPhoto,
)
from lianyun.learning.models import Article, ArticleRead, Media
from lianyun.ledger.actions import publish_boards
from lianyun.ledger.models import ColumnMapping, Payout, PayoutBatch, PayoutUpload
from lianyun.ledger.queries import period_range
from lianyun.people.models import CARD_CONTEXT, ID_CONTEXT, Household, Post, Relative, Resident
from lianyun.petitions.models import Petition
from lianyun.policies.actions import import_catalogue
from lianyun.policies.models import SubsidyItem
from lianyun.publications.actions import anchor_audit_log
from lianyun.redflags.models import (
    CadreTerm,
    Death,
    Flag,
    HouseholdLink,
    PublicEmployee,
    RegistryImport,
    RelativeLink,
    Run,
    SeparateFiling,
)
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import regions_within
from lianyun.surveys.models import Answer as SurveyAnswer
from lianyun.surveys.models import (
    BallotToken,
    Invitation,
    Participation,
    PendingBallot,
    Question,
    Response,
    SampleDraw,
    Survey,
    Target,
    TokenSheet,
)
from lianyun.talks.models import (
    Attendance,
    Recording,
    Registration,
    ReminderTalk,
    Talk,
    TalkQuestion,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "policies" / "data" / "catalogue.json"
DEMO_PASSWORD = "pingchang-demo"  # noqa: S105 - printed to the operator; demo only


class DemoError(LocalizedError):
    """The demo cannot be loaded as asked; the message says why, in the user's language."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str
    totp_secret: str | None
    region_name: str = ""


@dataclass
class DemoSummary:
    county: DemoCounty
    accounts: list[DemoAccount]
    payouts: int = 0
    lookup: tuple[str, str, str] | None = None  # a villager's name, ID and card, to try the lookup


def _lookup_example(made: DemoCounty) -> tuple[str, str, str] | None:
    """Synthetic data only: one villager with payouts, shown so the demo lookup can be tried."""
    with_payouts = Resident.objects.filter(payouts__isnull=False).order_by("pk")
    person = with_payouts.filter(village__code="511923103201").first() or with_payouts.first()
    if person is None or person.card_number_encrypted is None:
        return None
    return (
        person.name,
        crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT),
        crypto.decrypt(person.card_number_encrypted, context=CARD_CONTEXT),
    )


# (username, role, region: "county", a town code, or a village code, unit key)
DEMO_ACCOUNTS = [
    ("villager", Role.VILLAGER, "511923103201", None),
    ("integrity", Role.INTEGRITY_OFFICER, "511923103201", None),
    ("cadre", Role.VILLAGE_CADRE, "511923103201", None),
    ("inspector", Role.INSPECTOR, "511923103000", None),
    ("town", Role.TOWN_COMMISSION, "511923103000", None),
    ("county", Role.COUNTY_COMMISSION, "county", None),
    ("department", Role.COUNTY_DEPARTMENT, "county", "平昌县民政局"),
    ("custodian", Role.CUSTODIAN, "county", None),
    ("auditor", Role.AUDITOR, "county", None),
    ("admin", Role.ADMINISTRATOR, "county", None),
]


def demo_is_loaded() -> bool:
    return Region.objects.exists()


@transaction.atomic
def load_demo(
    *,
    seed: int,
    scale: str,
    reset: bool = False,
    progress: Progress | None = None,
    step: Callable[[str], None] | None = None,
) -> DemoSummary:
    """The demo county, told the same on any day. `progress` counts households as they are
    made; `step` names each part of the story as it begins (the command prints them)."""
    say = step or (lambda _part: None)
    if scale not in SCALES:
        raise DemoError(
            _("Unknown scale %(scale)s; choose one of %(choices)s."),
            {"scale": scale, "choices": ", ".join(SCALES)},
        )
    if demo_is_loaded():
        if not reset:
            raise DemoError(
                _(
                    "The database already holds a county. Run again with --reset to "
                    "replace it with the demo county."
                )
            )
        reset_demo()
    # One day for the whole story, read once: a load that runs past midnight tells it whole.
    today = timezone.localdate()
    reset_sequences(_numbered_models())
    generator = Generator(seed, SCALES[scale], today)
    say("regions, units and people")
    made = generator.regions()
    generator.units(made)
    generator.people(made, progress or (lambda done: None))
    reset_sequences([Household, Resident])
    say("accounts and the policy catalogue")
    accounts = _demo_accounts(made, random.Random(seed))
    import_catalogue(json.loads(CATALOGUE.read_text(encoding="utf-8")))
    say("one-card payouts")
    payouts, platform_file = load_demo_payouts(random.Random(seed), today)
    users = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])
    }
    say("the civil affairs bureau's hand-overs")
    seed_handovers(platform_file, users["department"])
    # Each part draws from its own generator of the seed, so what one part draws never moves
    # another part's story.
    say("petitions, leads and rectification items")
    seed_cases(made, random.Random(seed), users, today)
    say("public affairs notices")
    seed_disclosures(random.Random(seed), users["cadre"], today)
    say("sunshine inquiry and inquiry meetings")
    seed_inquiries(made, random.Random(seed), users, today)
    say("a year of village inspection")
    seed_inspections(made, random.Random(seed), users, today)
    say("opinion surveys")
    seed_surveys(made, random.Random(seed), users, today)
    say("exams")
    seed_exams(made, random.Random(seed), users, today)
    say("articles and integrity talks")
    seed_learning(made, random.Random(seed), users)
    seed_talks(made, random.Random(seed), users, today)
    say("cross-checks over the payouts")
    seed_redflags(made, random.Random(seed), users, today)
    say("last month's boards for the first town, under one checkpoint")
    first, last = period_range("last_month", today)
    town = made.towns["511923103000"]  # the demo town's account publishes them
    publish_boards(
        villages=list(regions_within(town, kind=RegionKind.VILLAGE).order_by("code")),
        first=first,
        last=last,
        actor=users["town"],
    )
    audit.record(
        action="load:demo", detail={"seed": seed, "scale": scale, "residents": made.residents}
    )
    anchor_audit_log()
    return DemoSummary(
        county=made, accounts=accounts, payouts=payouts.rows_written, lookup=_lookup_example(made)
    )


def _numbered_models() -> list[type[Model]]:
    """The project's own tables: after a reset their keys number from 1 again."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and m._meta.app_config.name.startswith("lianyun.")
    ]


def _demo_accounts(made: DemoCounty, rng: random.Random) -> list[DemoAccount]:
    accounts = []
    for username, role, where, unit_key in DEMO_ACCOUNTS:
        region = made.county if where == "county" else made.towns.get(where) or made.villages[where]
        new = create_account(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region=region,
            unit=made.units[unit_key] if unit_key else None,
            display_name=f"{region.name} {Role(role).label}",
            totp_secret=totp_secret(rng),
        )
        if role == Role.VILLAGE_CADRE:
            new.user.resident_id = made.village_secretary[where]
            new.user.save(update_fields=["resident"])
        elif role == Role.VILLAGER:
            new.user.resident_id = made.first_villager[where]
            new.user.save(update_fields=["resident"])
        accounts.append(
            DemoAccount(username, role, region.code, new.totp_secret, region_name=region.name)
        )
    return accounts


def reset_demo() -> None:
    """Remove the county and everyone in it. The audit log stays: it is append-only."""
    # The case records first: they point at people, units and accounts.
    Petition.objects.update(repeat_of=None)
    Petition.objects.all().delete()
    _remove_surveys()
    _remove_exams()
    _remove_learning()
    _remove_inquiries()
    _remove_inspections()
    _remove_redflags()
    Outcome.objects.all().delete()
    RectificationItem.objects.all().delete()
    Lead.objects.all().delete()
    kept = [name for name in PayoutUpload.objects.values_list("stored_name", flat=True) if name]
    PayoutUpload.objects.all().delete()
    delete_files(kept)
    ColumnMapping.objects.all().delete()
    Payout.objects.all().delete()
    PayoutBatch.objects.all().delete()
    _remove_disclosures()
    SubsidyItem.objects.all().delete()
    with connection.cursor() as cursor:
        # Raw deletes in dependency order: a county-size ORM delete would collect millions of
        # objects first. Foreign keys are deferred to the end of the transaction.
        cursor.execute(f"UPDATE {Household._meta.db_table} SET head_id = NULL")  # noqa: S608
        for table in (Relative._meta.db_table, Post._meta.db_table):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        user_ids = list(User.objects.filter(region__isnull=False).values_list("id", flat=True))
        User.objects.filter(id__in=user_ids).delete()
        for table in (Resident._meta.db_table, Household._meta.db_table, Unit._meta.db_table):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {Region._meta.db_table} WHERE kind = 'village'")  # noqa: S608
        cursor.execute(f"DELETE FROM {Region._meta.db_table} WHERE kind = 'town'")  # noqa: S608
        cursor.execute(f"DELETE FROM {Region._meta.db_table}")  # noqa: S608
    audit.record(action="reset:demo")


def _remove_inspections() -> None:
    """Inspection records point at items, leads, people and accounts: they go first."""
    files = list(VisitPhoto.objects.values_list("stored_name", flat=True))
    TownSummary.objects.all().delete()
    MonthlyReport.objects.all().delete()
    SampleItem.objects.all().delete()
    Finding.objects.all().delete()
    VisitPhoto.objects.all().delete()
    Visit.objects.all().delete()
    Expenditure.objects.all().delete()
    InspectionGroup.objects.all().delete()
    delete_files(files)


def _remove_surveys() -> None:
    """Surveys point at items, meetings, people and places; the answers go in one delete."""
    for model in (
        SurveyAnswer,
        Response,
        PendingBallot,
        BallotToken,
        TokenSheet,
        Participation,
        Invitation,
        SampleDraw,
        Target,
    ):
        model.objects.all().delete()
    Question.objects.filter(show_if__isnull=False).delete()
    Question.objects.all().delete()
    Survey.objects.all().delete()


def _remove_redflags() -> None:
    """Flags point at payouts, leads and people; registries at villages and items."""
    Flag.payouts.through.objects.all().delete()
    Flag.objects.all().delete()
    Run.objects.all().delete()
    for model in (HouseholdLink, Death, PublicEmployee, CadreTerm, RelativeLink, SeparateFiling):
        model.objects.all().delete()
    RegistryImport.objects.all().delete()


def _remove_learning() -> None:
    """Articles and talks, with their files; reminder talks before the items they made."""
    files = list(Media.objects.values_list("stored_name", flat=True))
    files += list(Recording.objects.values_list("stored_name", flat=True))
    for model in (ArticleRead, Media, Article, TalkQuestion, Attendance, Registration, Recording):
        model.objects.all().delete()
    Talk.objects.all().delete()
    ReminderTalk.objects.all().delete()
    delete_files(files)


def _remove_exams() -> None:
    for model in (AttemptAnswer, Attempt, Exam, ExamQuestion):
        model.objects.all().delete()


def _remove_inquiries() -> None:
    """Questions and meetings point at rectification items and leads: they go first."""
    Commitment.objects.all().delete()
    Answer.objects.all().delete()
    Inquiry.objects.all().delete()
    Demand.objects.all().delete()
    InquiryMeeting.objects.all().delete()


def _remove_disclosures() -> None:
    """Disclosures are append-only: the demo reset lifts the guard for its own delete, inside
    the same transaction, and puts it back. (Their entries stay in the publication chain.)"""
    files = list(DisclosureFile.objects.values_list("stored_name", flat=True))
    Objection.objects.all().delete()
    DisclosureFile.objects.all().delete()
    table = Disclosure._meta.db_table
    with connection.cursor() as cursor:
        drop_guard(cursor, connection.vendor, table)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        restore_guard(cursor, connection.vendor, table)
    delete_files(files)
