"""Paper ballots: codes printed on sheets, stored only as keyed hashes."""

import base64
import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.actions._common import ALREADY, BAD_TOKEN, MAX_SHEET, _audit
from lianyun.surveys.models import TOKEN_CONTEXT, BallotToken, Survey, TokenSheet


def new_code() -> str:
    """80 random bits as 16 letters and digits (base32, no look-alikes to misread)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_index(code: str) -> str:
    return crypto.blind_index(normalise_code(code), context=TOKEN_CONTEXT)


def show_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def make_sheet(
    *,
    survey: Survey,
    village: Region,
    count: int,
    actor: User,
    now: datetime.datetime | None = None,
) -> TokenSheet:
    now = now or timezone.now()
    if survey.launched_at is None or survey.closed_at is not None:
        raise ValidationError(_("Ballots are printed for a launched survey that is still open."))
    if village.kind != RegionKind.VILLAGE or not any(
        t.area.contains(village) for t in survey.targets.select_related("area")
    ):
        raise ValidationError(
            {"village": _("This survey asks nobody in %(village)s.") % {"village": village.name}}
        )
    if not 1 <= count <= MAX_SHEET:
        raise ValidationError(
            {"count": _("A sheet holds 1 to %(max)s ballots.") % {"max": MAX_SHEET}}
        )
    sheet = TokenSheet.objects.create(
        survey=survey, village=village, count=count, made_by=actor, made_at=now
    )
    tokens = []
    for position in range(1, count + 1):
        code = new_code()
        tokens.append(
            BallotToken(
                sheet=sheet,
                survey=survey,
                village=village,
                code_encrypted=crypto.encrypt(code, context=TOKEN_CONTEXT),
                code_index=code_index(code),
                position=position,
            )
        )
    BallotToken.objects.bulk_create(tokens)
    _audit("survey.sheet_printed", actor, survey, village=village.code, count=count)
    return sheet


def sheet_codes(sheet: TokenSheet) -> list[tuple[BallotToken, str]]:
    return [
        (token, crypto.decrypt(bytes(token.code_encrypted), context=TOKEN_CONTEXT))
        for token in sheet.tokens.all()
    ]


def token_for(survey: Survey, raw: str) -> BallotToken:
    """An unspent ballot of this survey, or a refusal that says no more than it must."""
    code = normalise_code(raw)
    token = (
        BallotToken.objects.select_related("village").filter(code_index=code_index(code)).first()
        if code
        else None
    )
    if token is None or token.survey_id != survey.pk:
        raise ValidationError(BAD_TOKEN)
    if token.used:
        raise ValidationError(ALREADY)
    return token
