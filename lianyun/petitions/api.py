"""The petitions API: filing (anonymous allowed), following by receipt, and officials' reads.

`POST /api/v1/petitions` returns the receipt once. `GET /api/v1/petitions/track` takes the
receipt in the X-Receipt header, never in the URL. Officials authenticate with a bearer token.
"""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Header, Router, Schema, Status

from lianyun.accounts.api_auth import OfficialToken
from lianyun.core import audit, pow
from lianyun.core.api import ErrorOut
from lianyun.core.limits import client_address
from lianyun.petitions import actions, queries
from lianyun.petitions.access import access_petition, petition_by_receipt, visible_petitions
from lianyun.petitions.models import Petition
from lianyun.petitions.queries import public_events
from lianyun.regions.queries import region_by_code

router = Router(tags=["petitions"])

Kind = Literal["suggestion", "request", "accusation"]


class PetitionIn(Schema):
    kind: Kind
    region_code: str = Field(pattern=r"^[0-9]{12}$", description="12-digit statistical code")
    subject_unit_id: int | None = None
    subject_person_id: int | None = None
    subject_text: str = Field("", max_length=100)
    description: str = Field(max_length=5000)
    anonymous: bool = True
    reporter_name: str = Field("", max_length=32)
    reporter_phone: str = Field("", max_length=20)
    reporter_id_number: str = Field("", max_length=24)
    earlier_receipt: str = Field("", max_length=40)


class PetitionCreatedOut(Schema):
    number: str
    receipt: str = Field(description="shown once: keep it to follow the petition")
    status: str
    due_on: datetime.date | None


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    note: str


class MessageOut(Schema):
    at: datetime.datetime
    from_petitioner: bool
    body: str


class PetitionTrackOut(Schema):
    number: str
    kind: str
    status: str
    received_on: datetime.date
    due_on: datetime.date | None
    decision: str
    answer: str
    events: list[EventOut]
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=5000)


class PetitionSummaryOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    region_code: str
    received_on: datetime.date
    due_on: datetime.date | None


def _error(error: ValidationError) -> ErrorOut:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return ErrorOut(detail=" ".join(m for ms in errors.values() for m in ms), errors=errors)


def _field_error(field: str, message: str) -> ErrorOut:
    return ErrorOut(detail=message, errors={field: [message]})


def _messages(petition: Petition) -> list[MessageOut]:
    return [
        MessageOut(at=m.at, from_petitioner=m.from_petitioner, body=actions.read_message(m))
        for m in petition.messages.all()
    ]


POW_HELP = (
    "A solved proof-of-work challenge (ALTCHA v2 payload, base64) from GET /pow/{purpose}/: "
    "purpose petition to file, track to follow by receipt. Each is good once."
)


def _pow_missing() -> Status[Schema]:
    return Status(428, ErrorOut(detail=str(pow.MISSING), errors={"X-Altcha": [str(pow.MISSING)]}))


@router.post(
    "/petitions",
    response={201: PetitionCreatedOut, 400: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=None,
)
def create_petition(
    request: HttpRequest,
    payload: PetitionIn,
    x_altcha: str = Header("", alias="X-Altcha", description=POW_HELP),
) -> Status[Schema]:
    if not pow.solved(request, "petition", x_altcha):
        return _pow_missing()
    region = region_by_code(payload.region_code)
    if region is None:
        return Status(
            422,
            _field_error(
                "region_code",
                _("Unknown region code %(code)s: no region has this code.")
                % {"code": payload.region_code},
            ),
        )
    subject_unit = queries.unit_of(payload.subject_unit_id) if payload.subject_unit_id else None
    subject_person = queries.subject_cadre(payload.subject_person_id)
    if (payload.subject_unit_id and subject_unit is None) or (
        payload.subject_person_id and subject_person is None
    ):
        return Status(422, _field_error("subject", _("Unknown subject.")))
    try:
        submitted = actions.submit_petition(
            kind=payload.kind,
            region=region,
            description=payload.description,
            anonymous=payload.anonymous,
            subject_unit=subject_unit,
            subject_person=subject_person,
            subject_text=payload.subject_text,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            reporter_id_number=payload.reporter_id_number,
            earlier_receipt=payload.earlier_receipt,
        )
    except ValidationError as error:
        return Status(422, _error(error))
    petition = submitted.petition
    return Status(
        201,
        PetitionCreatedOut(
            number=petition.number,
            receipt=submitted.receipt.text,
            status=petition.status,
            due_on=petition.due_on,
        ),
    )


def _tracked(request: HttpRequest, x_receipt: str) -> Petition | None:
    petition = petition_by_receipt(x_receipt, client=client_address(request))
    if petition is None:
        pow.failed(request)  # the next check from here costs more
    return petition


NOT_FOUND = gettext_lazy(
    "No petition matches this receipt, or too many tries were made; check it and try again later."
)


@router.get(
    "/petitions/track",
    response={200: PetitionTrackOut, 400: ErrorOut, 404: ErrorOut, 428: ErrorOut},
    auth=None,
)
def track_petition(
    request: HttpRequest,
    x_receipt: str = Header(..., alias="X-Receipt"),
    x_altcha: str = Header("", alias="X-Altcha", description=POW_HELP),
) -> Status[Schema]:
    if not pow.solved(request, "track", x_altcha):
        return _pow_missing()
    petition = _tracked(request, x_receipt)
    if petition is None:
        return Status(404, ErrorOut(detail=str(NOT_FOUND)))
    return Status(
        200,
        PetitionTrackOut(
            number=petition.number,
            kind=petition.kind,
            status=petition.status,
            received_on=petition.received_on,
            due_on=petition.due_on,
            decision=petition.decision,
            answer=petition.answer,
            events=[EventOut(at=e.at, kind=e.kind, note=e.note) for e in public_events(petition)],
            messages=_messages(petition),
        ),
    )


@router.post(
    "/petitions/track/messages",
    response={201: MessageOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=None,
)
def post_tracked_message(
    request: HttpRequest,
    payload: MessageIn,
    x_receipt: str = Header(..., alias="X-Receipt"),
    x_altcha: str = Header("", alias="X-Altcha", description=POW_HELP),
) -> Status[Schema]:
    if not pow.solved(request, "track", x_altcha):
        return _pow_missing()
    petition = _tracked(request, x_receipt)
    if petition is None:
        return Status(404, ErrorOut(detail=str(NOT_FOUND)))
    try:
        message = actions.post_message(petition=petition, body=payload.body, from_petitioner=True)
    except ValidationError as error:
        return Status(422, _error(error))
    return Status(201, MessageOut(at=message.at, from_petitioner=True, body=payload.body.strip()))


def _summary(petition: Petition) -> PetitionSummaryOut:
    return PetitionSummaryOut(
        id=petition.pk,
        number=petition.number,
        kind=petition.kind,
        status=petition.status,
        region_code=petition.region.code,
        received_on=petition.received_on,
        due_on=petition.due_on,
    )


@router.get(
    "/petitions", response={200: list[PetitionSummaryOut], 401: ErrorOut}, auth=OfficialToken()
)
def list_petitions(request: HttpRequest) -> list[PetitionSummaryOut]:
    petitions = visible_petitions(request.auth)  # type: ignore[attr-defined]
    return [_summary(p) for p in queries.petitions_listed(petitions)]


@router.get(
    "/petitions/{petition_id}",
    response={200: PetitionSummaryOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=OfficialToken(),
)
def get_petition(request: HttpRequest, petition_id: int) -> Status[Schema]:
    user = request.auth  # type: ignore[attr-defined]
    try:
        petition = access_petition(user, petition_id)
    except Http404:
        return Status(404, ErrorOut(detail=_("Not found.")))
    audit.record(
        action="read:petition",
        actor=user,
        object_type="petitions.Petition",
        object_id=petition.pk,
        detail={"via": "api"},
    )
    return Status(200, _summary(petition))
