from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.cases.actions import record_milestone, register_rectification
from lianyun.cases.models import Evidence, Lead, RectificationItem, SourceKind
from lianyun.core.roles import Role
from lianyun.disclosure.actions import post_disclosure
from lianyun.disclosure.models import Disclosure
from lianyun.inquiries.actions import ask, escalate_overdue, record_demand, schedule_meeting, screen
from lianyun.inquiries.models import Demand, Inquiry, InquiryMeeting
from lianyun.inspections.actions import form_group, log_visit, raise_finding
from lianyun.inspections.models import Finding, Visit
from lianyun.people.models import Post
from lianyun.petitions import actions
from lianyun.petitions.models import Attachment, IdentityRequest, Petition, PetitionKind
from lianyun.policies.models import PolicyCategory, SubsidyItem
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.models import Unit, UnitKind
from lianyun.surveys.actions import create_survey, launch, make_sheet
from lianyun.surveys.models import Survey, TokenSheet
from lianyun.testing import PASSWORD, Cast, commissions

CANARY = "CANARY-3f9a1c"
CANARY_NAME = "金丝雀"
CANARY_PHONE = "13900139000"


@dataclass
class World:
    cast: Cast
    petition: Petition
    lead: Lead
    identity_request: IdentityRequest
    custodian: User
    spouse_official: User  # a town commission official married to the accused cadre
    colleague_official: User  # a town commission official sitting in the cadre's committee
    unit_member: User  # an account attached to the accused cadre's unit
    item: RectificationItem  # a public item in village A1, from a meeting
    attachment: Attachment  # a PDF sent with the canary petition
    evidence: Evidence  # a photo proving progress on the item
    disclosure: Disclosure  # a finance notice of village A1
    inquiry: Inquiry  # a published question to the cadre's committee, gone to the commission
    pending_inquiry: Inquiry  # a question still being screened
    meeting: InquiryMeeting  # an inquiry meeting in village A1 that questioned the cadre
    demand: Demand  # a demand raised there, on the rectification list
    visit: Visit  # an inspection group's account check in village A1
    finding: Finding  # a finding from it, pending the town's review
    survey: Survey  # the county's launched social evaluation survey
    sheet: TokenSheet  # a sheet of its paper ballots for village A1


def _account(username: str, role: str, region: object, **fields: object) -> User:
    user = create_account(username=username, password=PASSWORD, role=role, region=region).user  # type: ignore[arg-type]
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    return user


def build_world(cast: Cast, *, canary: bool = True) -> World | None:
    commissions(cast)
    committee = cast.cadre_resident.posts.get().unit
    colleague_resident = next(r for r in cast.residents.values() if r.name == "欧阳娜娜")
    Post.objects.create(unit=committee, holder=colleague_resident, title="文书", start="2021-01-01")
    custodian = _account("keeper", Role.CUSTODIAN, cast.county)
    spouse = _account(
        "spouse_official", Role.TOWN_COMMISSION, cast.town_a, resident=cast.relative_resident
    )
    colleague = _account(
        "colleague_official", Role.TOWN_COMMISSION, cast.town_a, resident=colleague_resident
    )
    member = _account("unit_member", Role.VILLAGE_CADRE, cast.village_a1, unit=committee)
    if not canary:
        return None
    submitted = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=False,
        subject_person=cast.cadre_resident,
        description=f"{CANARY} 村支书截留低保金。",
        reporter_name=CANARY_NAME,
        reporter_phone=CANARY_PHONE,
        reporter_id_number="360426199101010071",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + CANARY.encode(), "application/pdf")],
    )
    petition = actions.accept_petition(petition=submitted.petition, actor=cast.town_secretary.user)
    request = actions.request_identity(
        petition=petition, actor=cast.town_secretary.user, reason="核实"
    )
    assert petition.lead is not None
    item = register_rectification(
        source_kind=SourceKind.INQUIRY_MEETING,
        source_ref="meeting:1",
        region=cast.village_a1,
        title="修复村道路灯",
        owner_unit=committee,
        responsible="文书",
        deadline=date(2099, 1, 1),
        actor=cast.town_secretary.user,
    )
    attachment = petition.attachments.get()
    department = Unit.objects.create(
        name="平昌县民政局", kind=UnitKind.DEPARTMENT, region=cast.county
    )
    SubsidyItem.objects.create(
        code="dibao",
        name="城乡最低生活保障金",
        category=PolicyCategory.objects.get(code="social_assistance"),
        department=department,
        standard="按差额发放",
        frequency="monthly",
        eligibility="低收入家庭",
        how_to_apply="向乡镇申请",
        legal_basis="《社会救助暂行办法》",
        effective_from=date(2025, 1, 1),
    )
    publish(
        kind=EntryKind.RECTIFICATION,
        subject=cast.village_a1.code,
        title="修复村道路灯",
        payload={"title": "修复村道路灯"},
    )
    milestone = record_milestone(
        item=item,
        progress=30,
        note="已采购灯具",
        actor=cast.town_secretary.user,
        files=[SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")],
    )
    evidence = milestone.evidence.get()
    disclosure = post_disclosure(
        village=cast.village_a1,
        kind="finance",
        period="2026-10",
        title="2026年10月财务收支公开",
        body="收入：土地租金 12,000 元；支出：道路维修 3,500 元。",
        actor=cast.village_cadre.user,
    )
    asker = next(r for r in cast.residents.values() if r.name == "冯用武")
    inquiry = ask(
        asker=asker,
        unit=committee,
        official=cast.cadre_resident,
        category="roads_projects",
        title="村道何时修好",
        question="村道坑洼，何时修好？",
    )
    screen(inquiry=inquiry, publish_it=True, actor=cast.county_inspector.user)
    escalate_overdue(today=date(2099, 1, 1))
    inquiry.refresh_from_db()
    pending = ask(
        asker=asker, unit=committee, category="other", title="待审核", question="待审核的问题"
    )
    held = timezone.now() - timedelta(days=1)
    meeting = schedule_meeting(
        village=cast.village_a1,
        starts_at=held,
        place="村委会",
        panel_size=30,
        officials=[cast.cadre_resident.posts.get()],
        actor=cast.town_secretary.user,
        now=held - timedelta(days=7),
    )
    demand = record_demand(
        meeting=meeting,
        raised_by="王大富",
        category="roads_projects",
        text="路灯坏了",
        promise="修好路灯",
        responsible="文书",
        deadline=date(2099, 1, 1),
        actor=cast.town_secretary.user,
    )
    inspector = _account("inspector_a", Role.INSPECTOR, cast.town_a)
    group = form_group(
        town=cast.town_a,
        name="第一巡检组",
        formed_on=date(2026, 1, 5),
        leader=inspector,
        members=[],
        villages=[cast.village_a1],
        actor=cast.town_secretary.user,
    )
    visit = log_visit(
        group=group,
        village=cast.village_a1,
        kind="account_check",
        visited_on=date(2026, 11, 2),
        minutes=60,
        actor=inspector,
    )
    finding = raise_finding(
        visit=visit,
        village=cast.village_a1,
        finding_class="living",
        summary="路灯坏",
        actor=inspector,
    )
    today = timezone.localdate()
    survey = create_survey(
        actor=cast.county_inspector.user,
        county=cast.county,
        kind="social_evaluation",
        title="社会评价",
        year=today.year,
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    launch(survey=survey, actor=cast.county_inspector.user)
    sheet = make_sheet(
        survey=survey, village=cast.village_a1, count=2, actor=cast.town_secretary.user
    )
    return World(
        cast,
        petition,
        petition.lead,
        request,
        custodian,
        spouse,
        colleague,
        member,
        item,
        attachment,
        evidence,
        disclosure,
        inquiry,
        pending,
        meeting,
        demand,
        visit,
        finding,
        survey,
        sheet,
    )


@pytest.fixture
def world(cast: Cast) -> World:
    built = build_world(cast)
    assert built is not None
    return built


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
