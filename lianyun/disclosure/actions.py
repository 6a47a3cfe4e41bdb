"""Posting a disclosure (into the publication chain at once), correcting one, objecting to one."""

import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core.filestore import save_files
from lianyun.core.uploads import CheckedFile, check_upload
from lianyun.disclosure.models import Disclosure, DisclosureFile, DisclosureKind, Objection
from lianyun.disclosure.queries import objections_open, payload_of
from lianyun.petitions import actions as petitions
from lianyun.petitions.actions import Submitted
from lianyun.petitions.models import PetitionKind
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.models import Region

MAX_FILES = 10
# Numbers that must never be published: ID numbers, mobile phones, bank cards.
PERSONAL_NUMBERS = re.compile(
    r"(?<![0-9])([1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9}|[0-9]{16,19})(?![0-9])"
)
PERIOD_FORMAT = {
    DisclosureKind.FINANCE: re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
    DisclosureKind.PARTY: re.compile(r"^[0-9]{4}-Q[1-4]$"),
    DisclosureKind.VILLAGE: re.compile(r"^[0-9]{4}-Q[1-4]$"),
}


def _check(kind: str, period: str, major: bool, title: str, body: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in DisclosureKind.values:
        errors["kind"] = _("Choose party affairs, village affairs or village finances.")
    elif not major and not PERIOD_FORMAT[DisclosureKind(kind)].match(period):
        errors["period"] = (
            _("Finances are posted per month: write the period as YYYY-MM.")
            if kind == DisclosureKind.FINANCE
            else _("Party and village affairs are posted per quarter: write it as YYYY-Q1…Q4.")
        )
    if not title.strip():
        errors["title"] = _("Give the notice a title.")
    if len(body.strip()) < 10:
        errors["body"] = _("Write what is being made public (at least 10 characters).")
    for field, text in (("title", title), ("body", body)):
        if PERSONAL_NUMBERS.search(text):
            errors[field] = _("Remove ID, phone and bank card numbers: they are never published.")
    return errors


@transaction.atomic
def post_disclosure(
    *,
    village: Region,
    kind: str,
    title: str,
    body: str,
    period: str = "",
    major: bool = False,
    files: list[UploadedFile] | None = None,
    actor: User | None,
    corrects: Disclosure | None = None,
    today: datetime.date | None = None,
) -> Disclosure:
    """Post a notice and publish it into the chain in the same transaction."""
    today = today or timezone.localdate()
    errors = _check(kind, period, major, title, body)
    files = files or []
    if len(files) > MAX_FILES:
        errors["scans"] = _("At most %(count)d files.") % {"count": MAX_FILES}
    checked: list[CheckedFile] = []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors["scans"] = " ".join(error.messages)
    if corrects is not None and Disclosure.objects.filter(corrects=corrects).exists():
        errors["__all__"] = _("This notice was already corrected; correct the latest version.")
    if errors:
        raise ValidationError(errors)
    hashes = [hashlib.sha256(c.data).hexdigest() for c in checked]
    disclosure = Disclosure(
        village=village,
        kind=kind,
        major=major,
        period="" if major else period,
        title=title.strip(),
        body=body.strip(),
        posted_on=today,
        posted_by=actor,
        corrects=corrects,
    )
    disclosure.entry = publish(
        kind=EntryKind.DISCLOSURE,
        subject=f"{village.code}:{kind}:{disclosure.period or 'major'}",
        title=f"{village.name} {disclosure.title}",
        payload=payload_of(disclosure, hashes),
        actor=actor,
        corrects=corrects.entry if corrects else None,
    )
    disclosure.save()
    for one, digest in zip(checked, hashes, strict=True):
        save_files(DisclosureFile, [one], disclosure=disclosure, sha256=digest)
    return disclosure


def object_to(
    *, disclosure: Disclosure, reason: str, today: datetime.date | None = None
) -> Submitted:
    """A villager objects within the window; the objection is a petition to the town."""
    today = today or timezone.localdate()
    if not objections_open(disclosure, today):
        raise ValidationError(_("The time for objections to this notice has passed."))
    details = _(
        "Objection to the notice “%(title)s” posted on %(date)s (publication entry %(index)d)."
    ) % {
        "title": disclosure.title,
        "date": disclosure.posted_on.isoformat(),
        "index": disclosure.entry.index,
    }
    submitted = petitions.submit_petition(
        kind=PetitionKind.REQUEST,
        region=disclosure.village,
        anonymous=True,
        subject_text=disclosure.title[:100],
        description=f"{reason.strip()}\n\n{details}",
        today=today,
    )
    Objection.objects.create(disclosure=disclosure, petition=submitted.petition)
    return submitted
