"""The 阳光问廉 API: published questions and meetings for anyone (as on the public pages), and
answers from the addressee's API client with a bearer token."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lianyun.accounts.api_auth import OfficialToken
from lianyun.core.api import ErrorOut, IsoDate
from lianyun.inquiries import actions
from lianyun.inquiries.access import access_answerable
from lianyun.inquiries.models import Inquiry, InquiryMeeting
from lianyun.inquiries.queries import (
    listed_inquiries,
    meeting_counters,
    meeting_shown,
    meetings_shown,
    published_inquiry,
    timeliness,
)
from lianyun.regions.models import Region, RegionKind
from lianyun.regions.queries import region_by_code

router = Router(tags=["inquiries"])


class CommitmentOut(Schema):
    action: str
    responsible: str
    deadline: datetime.date
    status: str
    progress: int


class AnswerOut(Schema):
    round: int
    text: str
    answered_at: datetime.datetime
    commitments: list[CommitmentOut]


class InquiryOut(Schema):
    id: int
    title: str
    question: str
    category: str
    unit: str
    region_code: str
    official: str = Field(description="the named official with the post, or empty")
    status: str
    published_at: datetime.datetime
    answer_due: datetime.date
    timeliness: str = Field(description="on_time, late, overdue or waiting")
    answers: list[AnswerOut]


class CommitmentIn(Schema):
    action: str = Field(min_length=1, max_length=200)
    responsible: str = Field(min_length=1, max_length=64)
    deadline: IsoDate


class AnswerIn(Schema):
    text: str = Field(max_length=5000)
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=5)
    stated_date: IsoDate | None = None


class QuestionedOut(Schema):
    name: str
    post: str
    votes: list[int] | None = Field(description="satisfied, basically satisfied, not satisfied")
    satisfaction: int | None
    flagged: bool


class DemandOut(Schema):
    id: int
    number: int
    raised_by: str = Field(description="masked")
    category: str
    text: str
    promise: str
    deadline: datetime.date | None
    status: str = Field(description="registered, reopened, closed_out, or empty")
    progress: int | None
    funds_returned: Decimal


class MeetingOut(Schema):
    id: int
    village_code: str
    village: str
    starts_at: datetime.datetime
    place: str
    status: str
    panel_size: int
    threshold: int
    officials: list[QuestionedOut]
    demands: list[DemandOut]


class CountersOut(Schema):
    meetings: int
    demands: int
    solved: int
    funds_returned: Decimal
    flagged: int


class Town(Schema):
    town: str = Field("", pattern=r"^([0-9]{12})?$", description="a town's 12-digit code")


class Period(Schema):
    region: str = Field("", pattern=r"^([0-9]{12})?$", description="county or town code")
    start: IsoDate | None = None
    end: IsoDate | None = None


def _town(code: str) -> Region | None:
    region = region_by_code(code) if code else None
    return region if region is not None and region.kind == RegionKind.TOWN else None


def _inquiry(inquiry: Inquiry) -> InquiryOut:
    assert inquiry.published_at is not None and inquiry.answer_due is not None  # noqa: S101
    return InquiryOut(
        id=inquiry.pk,
        title=inquiry.title,
        question=inquiry.question,
        category=inquiry.category,
        unit=inquiry.unit.name,
        region_code=inquiry.unit.region.code,
        official=f"{inquiry.official.name} {inquiry.official_title}" if inquiry.official else "",
        status=inquiry.status,
        published_at=inquiry.published_at,
        answer_due=inquiry.answer_due,
        timeliness=timeliness(inquiry).code,
        answers=[
            AnswerOut(
                round=a.round,
                text=a.text,
                answered_at=a.answered_at,
                commitments=[
                    CommitmentOut(
                        action=c.item.title,
                        responsible=c.item.responsible,
                        deadline=c.item.deadline,
                        status=c.item.status,
                        progress=c.item.progress,
                    )
                    for c in a.commitments.all()
                ],
            )
            for a in inquiry.answers.all()
        ],
    )


@router.get("/inquiries", response={200: list[InquiryOut], 400: ErrorOut}, auth=None)
def list_inquiries(request: HttpRequest, filters: Query[Town]) -> list[InquiryOut]:
    inquiries = listed_inquiries(_town(filters.town))
    return [_inquiry(q) for q in inquiries[:200]]


@router.get(
    "/inquiries/{inquiry_id}", response={200: InquiryOut, 400: ErrorOut, 404: ErrorOut}, auth=None
)
def get_inquiry(request: HttpRequest, inquiry_id: int) -> Status[Schema]:
    inquiry = published_inquiry(inquiry_id)
    if inquiry is None:
        return Status(404, ErrorOut(detail=_("Not found.")))
    return Status(200, _inquiry(inquiry))


@router.post(
    "/inquiries/{inquiry_id}/answers",
    response={201: InquiryOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=OfficialToken(),
)
def answer_inquiry(request: HttpRequest, inquiry_id: int, payload: AnswerIn) -> Status[Schema]:
    """The addressee's answer, published at once; commitments go on the rectification list."""
    user = request.auth  # type: ignore[attr-defined]
    try:
        inquiry = access_answerable(user, inquiry_id)
    except Http404:
        return Status(404, ErrorOut(detail=_("Not found.")))
    try:
        actions.answer(
            inquiry=inquiry,
            text=payload.text,
            stated_date=payload.stated_date,
            commitments=[
                actions.CommitmentIn(c.action, c.responsible, c.deadline)
                for c in payload.commitments
            ],
            actor=user,
        )
    except ValidationError as error:
        return Status(
            422, ErrorOut(detail=" ".join(error.messages), errors={"__all__": error.messages})
        )
    answered = published_inquiry(inquiry.pk)
    assert answered is not None  # noqa: S101 - only published questions are answerable
    return Status(201, _inquiry(answered))


def _meeting(meeting: InquiryMeeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk,
        village_code=meeting.village.code,
        village=meeting.village.name,
        starts_at=meeting.starts_at,
        place=meeting.place,
        status=meeting.status,
        panel_size=meeting.panel_size,
        threshold=meeting.threshold,
        officials=[
            QuestionedOut(
                name=q.person.name,
                post=q.title,
                votes=[q.votes_satisfied or 0, q.votes_basic or 0, q.votes_unsatisfied or 0]
                if q.voted_at
                else None,
                satisfaction=q.satisfaction,
                flagged=q.flagged,
            )
            for q in meeting.officials.all()
        ],
        demands=[
            DemandOut(
                id=d.pk,
                number=d.number,
                raised_by=d.raised_by_masked,
                category=d.category,
                text=d.text,
                promise=d.promise,
                deadline=d.item.deadline if d.item else None,
                status=d.item.status if d.item else "",
                progress=d.item.progress if d.item else None,
                funds_returned=d.funds_returned,
            )
            for d in meeting.demands.all()
        ],
    )


@router.get("/inquiry-meetings", response={200: list[MeetingOut], 400: ErrorOut}, auth=None)
def list_meetings(request: HttpRequest, filters: Query[Town]) -> list[MeetingOut]:
    return [_meeting(m) for m in meetings_shown(_town(filters.town))[:100]]


@router.get("/inquiry-meetings/statistics", response={200: CountersOut, 400: ErrorOut}, auth=None)
def meeting_statistics(request: HttpRequest, filters: Query[Period]) -> CountersOut:
    """The article's counters for a county or town and a period of meetings held."""
    region = region_by_code(filters.region) if filters.region else None
    figures = meeting_counters(region, filters.start, filters.end).as_dict()
    return CountersOut(**figures)  # type: ignore[arg-type]


@router.get(
    "/inquiry-meetings/{meeting_id}",
    response={200: MeetingOut, 400: ErrorOut, 404: ErrorOut},
    auth=None,
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Status[Schema]:
    meeting = meeting_shown(meeting_id)
    if meeting is None:
        return Status(404, ErrorOut(detail=_("Not found.")))
    return Status(200, _meeting(meeting))
