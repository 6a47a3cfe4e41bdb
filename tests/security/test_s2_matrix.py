"""S2: route × role × object, generated from the URLconf. Every route must have a policy."""

import pytest
from django.urls import reverse

from lianyun.testing import unsalted
from tests.security.conftest import World, client_for
from tests.security.routes import all_routes

PUBLIC = "public"
OFFICIAL = "official"  # any official whose scope holds the object
HANDLER = "handler"  # town or county commission, not recused
CUSTODIAN = "custodian"
API = "api"
MISSING = "missing"  # answers 404 to everyone without its query (the village picker)
PUBLISHER = "publisher"  # the village's officials and its town's or county's commission
VERIFIED = "verified"  # only a browser that proved the payout's owner in the lookup
DEPARTMENT = "department"  # the county department that owns the item
SIGNED_IN = "signed_in"  # any account, showing only its own
RECTIFIER = "rectifier"  # records progress on an item in scope
POSTER = "poster"  # the village's own cadre posts its disclosures
WATCHER = "watcher"  # town and county commissions (and inspectors) in scope
IMPORTER = "importer"  # a county department or the IT operator hands over payout files
TOWN = "town"  # any town commission, in its own town
MEMBER = "member"  # only members of the inspection group (no persona of the matrix)
MODERATOR = "moderator"  # the county commission screens public questions
ASKER = "asker"  # only the villager who asked (no persona of the matrix asked)
ANSWERER = "answerer"  # accounts that answer for a unit or for themselves
ADDRESSEE = "addressee"  # the committee the question is addressed to, and its members
COMMISSION = "commission"  # any town or county commission, in its own scope
HOME = "home"  # any account: an official's workspace, a villager sent on to 我的
REGISTER = "register"  # officials whose work needs the resident register, in their scope

# Each route: who may reach it, whether it takes POST, and which object fills its arguments.
POLICY: dict[str, tuple[str, str, str]] = {
    "portal:home": (PUBLIC, "GET", ""),
    "portal:function-detail": (PUBLIC, "GET", "function"),
    "portal:offline": (PUBLIC, "GET", ""),
    "portal:manifest": (PUBLIC, "GET", ""),
    "portal:service-worker": (PUBLIC, "GET", ""),
    "portal:health": (PUBLIC, "GET", ""),
    "accounts:login": (PUBLIC, "GET", ""),
    "accounts:logout": (PUBLIC, "POST", ""),
    "set_language": (PUBLIC, "POST", ""),
    "healthz": (PUBLIC, "GET", ""),
    "workspace:home": (HOME, "GET", ""),
    "portal:mine": (SIGNED_IN, "GET", ""),
    "workspace:region-detail": (OFFICIAL, "GET", "region"),
    "workspace:resident-list": (REGISTER, "GET", "region"),
    "workspace:resident-lookup": (REGISTER, "GET", ""),
    "workspace:notification-list": (OFFICIAL, "GET", ""),
    "petitions:petition-start": (PUBLIC, "GET", ""),
    "petitions:petition-create": (PUBLIC, "GET", "region"),
    "petitions:petition-track": (PUBLIC, "GET", ""),
    "petitions:petition-tracked": (PUBLIC, "GET", ""),
    # Without a receipt opened in this browser, each answer goes back to the receipt form.
    "petitions:tracked-message": (PUBLIC, "POST", ""),
    "petitions:tracked-rate": (PUBLIC, "POST", ""),
    "petitions:tracked-appeal": (PUBLIC, "POST", ""),
    "petitions:tracked-confirm": (MISSING, "POST", "item"),
    "petitions:petition-receipt": (PUBLIC, "GET", ""),
    "petitions:petition-mine": (SIGNED_IN, "GET", ""),
    "petitions:petition-list": (HANDLER, "GET", ""),
    "petitions:petition-assign": (HANDLER, "POST", ""),
    "petitions:petition-statistics": (PUBLIC, "GET", ""),
    "petitions:petition-detail": (HANDLER, "GET", "petition"),
    "petitions:petition-subject": (HANDLER, "POST", "petition"),
    "petitions:petition-accept": (HANDLER, "POST", "petition"),
    "petitions:petition-refuse": (HANDLER, "POST", "petition"),
    "petitions:petition-forward": (HANDLER, "POST", "petition"),
    "petitions:petition-extend": (HANDLER, "POST", "petition"),
    "petitions:petition-answer": (HANDLER, "POST", "petition"),
    "petitions:petition-message": (HANDLER, "POST", "petition"),
    "petitions:identityrequest-create": (HANDLER, "POST", "petition"),
    "petitions:petition-identity": (HANDLER, "POST", "petition"),
    "petitions:identityrequest-list": (CUSTODIAN, "GET", ""),
    "petitions:identityrequest-decide": (CUSTODIAN, "POST", "identity_request"),
    "cases:lead-list": (HANDLER, "GET", ""),
    "cases:lead-detail": (HANDLER, "GET", "lead"),
    "cases:lead-dispose": (HANDLER, "POST", "lead"),
    "cases:lead-outcome": (HANDLER, "POST", "lead"),
    "cases:lead-conclude": (HANDLER, "POST", "lead"),
    "cases:counter-list": (HANDLER, "GET", ""),
    "petitions:petition-rectify": (HANDLER, "POST", "petition"),
    "petitions:attachment-detail": (HANDLER, "GET", "attachment"),
    "cases:rectification-list": (OFFICIAL, "GET", ""),
    "cases:rectification-detail": (OFFICIAL, "GET", "item"),
    "cases:rectification-milestone": (RECTIFIER, "POST", "item"),
    "cases:rectification-feedback": (RECTIFIER, "POST", "item"),
    "cases:evidence-detail": (OFFICIAL, "GET", "evidence"),
    "rectifications:rectification-list": (PUBLIC, "GET", ""),
    "ledger:payout-lookup": (PUBLIC, "GET", ""),
    "pow-challenge": (PUBLIC, "GET", "purpose"),
    "ledger:payout-code": (PUBLIC, "GET", ""),
    "ledger:payout-text": (PUBLIC, "POST", ""),  # refused with the form, never a 404
    # Without a browser's proof it sends the visitor back to the lookup: nothing of anyone.
    "ledger:payout-statement": (PUBLIC, "GET", "year"),
    "ledger:board-pick": (MISSING, "GET", ""),
    "ledger:board-detail": (PUBLIC, "GET", "region"),
    "ledger:dibao-list": (PUBLIC, "GET", "region"),
    "ledger:board-publish": (PUBLISHER, "POST", "region"),
    "ledger:board-print": (PUBLIC, "GET", "region"),
    "ledger:dibao-print": (PUBLIC, "GET", "region"),
    "ledger:dibao-publish": (PUBLISHER, "POST", "region"),
    "ledger:board-export": (PUBLIC, "GET", "region"),
    "disclosure:disclosure-print": (PUBLIC, "GET", "disclosure"),
    "ledger:upload-list": (IMPORTER, "GET", ""),
    "disclosure:disclosure-list": (PUBLIC, "GET", "region"),
    "disclosure:disclosure-detail": (PUBLIC, "GET", "disclosure"),
    "disclosure:disclosure-file": (MISSING, "GET", "disclosure_file"),
    "disclosure:disclosure-object": (PUBLIC, "POST", "disclosure"),
    "disclosure:disclosure-create": (POSTER, "GET", "region"),
    "disclosure:disclosure-correct": (POSTER, "GET", "disclosure"),
    "disclosure:disclosure-overview": (WATCHER, "GET", "town"),
    "ledger:upload-detail": (IMPORTER, "GET", "upload"),
    "ledger:upload-errors": (IMPORTER, "GET", "upload"),
    "ledger:upload-columns": (IMPORTER, "GET", "upload"),  # only while it waits for them
    "ledger:upload-drop": (IMPORTER, "POST", "upload"),
    # A mapping that is not the importer's is treated as gone: back to the upload page.
    "ledger:mapping-forget": (IMPORTER, "POST", "absent"),
    "petitions:payout-dispute": (VERIFIED, "POST", "payout"),
    "policies:subsidyitem-list": (PUBLIC, "GET", ""),
    "policies:subsidyitem-detail": (PUBLIC, "GET", "policy"),
    "policies:subsidyitem-edit": (DEPARTMENT, "GET", "policy_item"),
    "publications:entry-list": (PUBLIC, "GET", ""),
    "publications:entry-detail": (PUBLIC, "GET", "entry"),
    "publications:entry-proof": (PUBLIC, "GET", "entry"),
    "publications:consistency-proof": (PUBLIC, "GET", "consistency"),
    "publications:keys": (PUBLIC, "GET", ""),
    "publications:checkpoint": (PUBLIC, "GET", ""),
    # A witness's signature is its credential: no cookie, no CSRF token.
    "publications:cosign": (PUBLIC, "POST", ""),
    "inspections:group-list": (OFFICIAL, "GET", ""),
    "inspections:group-create": (TOWN, "GET", ""),
    "inspections:checklist-list": (MODERATOR, "GET", ""),  # the county commission
    "inspections:checklist-add": (MODERATOR, "POST", ""),
    "inspections:checklist-retire": (MISSING, "POST", "absent"),
    "inspections:expenditure-list": (POSTER, "GET", ""),  # the village's own cadre
    "inspections:group-detail": (WATCHER, "GET", "group"),
    "inspections:visit-create": (WATCHER, "GET", "group"),
    "inspections:visit-detail": (WATCHER, "GET", "visit"),
    "inspections:visit-finding": (MEMBER, "POST", "visit"),
    "inspections:visit-sample": (MEMBER, "POST", "visit"),
    "inspections:visit-sample-check": (MEMBER, "POST", "visit"),
    "inspections:visit-photo": (MISSING, "GET", "visit_photo"),
    "inspections:finding-list": (COMMISSION, "GET", ""),
    "inspections:report-list": (WATCHER, "GET", "group"),
    "inspections:report-detail": (MISSING, "GET", "report"),
    "inspections:report-print": (MISSING, "GET", "report"),
    "inspections:report-export": (MISSING, "GET", "report"),
    "inspections:summary-list": (COMMISSION, "GET", ""),
    "inspections:summary-print": (MISSING, "GET", "report"),
    "inspections:summary-export": (MISSING, "GET", "report"),
    "inspections:assessment": (COMMISSION, "GET", ""),
    "inspections:assessment-weight": (COMMISSION, "POST", ""),
    "inspections:assessment-town": (WATCHER, "GET", "assessment"),
    # Reviewing findings: the town's and county's commissions, never one recused from the
    # village (the spouse and the colleague of its cadre).
    "inspections:finding-review": (HANDLER, "POST", "finding"),
    "inquiries:inquiry-list": (PUBLIC, "GET", ""),
    "inquiries:inquiry-create": (PUBLIC, "GET", ""),
    "inquiries:inquiry-mine": (PUBLIC, "GET", ""),
    "inquiries:inquiry-scoreboard": (PUBLIC, "GET", ""),
    "inquiries:meeting-statistics": (PUBLIC, "GET", ""),
    "inquiries:inquiry-detail": (PUBLIC, "GET", "inquiry"),
    "inquiries:inquiry-rate": (ASKER, "POST", "inquiry"),
    "inquiries:inquiry-confirm": (ASKER, "POST", "inquiry"),
    "inquiries:inquiry-screening": (MODERATOR, "GET", ""),
    "inquiries:inquiry-screen": (MODERATOR, "POST", "pending_inquiry"),
    "inquiries:inquiry-answering": (ANSWERER, "GET", ""),
    "inquiries:inquiry-answer": (ADDRESSEE, "GET", "inquiry"),
    "inquiries:inquiry-referred": (COMMISSION, "GET", ""),
    "inquiries:inquiry-conclude": (HANDLER, "POST", "inquiry"),
    "inquiries:meeting-list": (PUBLIC, "GET", ""),
    "inquiries:meeting-create": (COMMISSION, "GET", ""),
    "inquiries:meeting-detail": (PUBLIC, "GET", "meeting"),
    "inquiries:meeting-notice": (PUBLIC, "GET", "meeting"),
    "inquiries:meeting-result": (PUBLIC, "GET", "meeting"),
    # Recording a meeting: commissions in scope, never one recused from an official questioned.
    "inquiries:meeting-record": (HANDLER, "GET", "meeting"),
    "inquiries:meeting-statement": (HANDLER, "POST", "questioned"),
    "inquiries:meeting-vote": (HANDLER, "POST", "questioned"),
    "inquiries:meeting-demand": (HANDLER, "POST", "meeting"),
    "inquiries:meeting-publish": (HANDLER, "POST", "meeting"),
    "inquiries:demand-detail": (PUBLIC, "GET", "demand"),
    "inquiries:demand-manage": (HANDLER, "GET", "demand"),
    "inquiries:demand-feedback": (HANDLER, "POST", "demand"),
    "inquiries:demand-confirm": (HANDLER, "POST", "demand"),
    "surveys:survey-list": (PUBLIC, "GET", ""),
    "surveys:ballot": (PUBLIC, "GET", ""),
    "surveys:index": (PUBLIC, "GET", ""),
    # Public once a social evaluation survey has closed; the world's is still open.
    "surveys:index-export": (MISSING, "GET", ""),
    "surveys:survey-answer": (PUBLIC, "GET", "survey"),
    "surveys:survey-results": (PUBLIC, "GET", "survey"),
    "surveys:survey-thanks": (PUBLIC, "GET", "survey"),
    "surveys:survey-results-export": (MISSING, "GET", "survey"),  # after the close only
    # Officials in the field (integrity officers, town and county commissions) in scope.
    "surveys:manage": (COMMISSION, "GET", ""),
    "surveys:sheets": (COMMISSION, "GET", "survey"),
    "surveys:enter": (COMMISSION, "GET", "survey"),
    "surveys:sheet-print": (WATCHER, "GET", "sheet"),
    "surveys:invited": (WATCHER, "GET", "survey_town"),
    # Building, sampling and moderating: the county commission.
    "surveys:survey-edit": (MODERATOR, "GET", "survey"),
    "surveys:survey-create": (MODERATOR, "POST", ""),
    "surveys:satisfaction-create": (MODERATOR, "POST", ""),
    "surveys:question-add": (MODERATOR, "POST", "survey"),
    "surveys:target-add": (MODERATOR, "POST", "survey"),
    "surveys:survey-launch": (MODERATOR, "POST", "survey"),
    "surveys:question-remove": (MISSING, "POST", "survey_part"),
    "surveys:target-remove": (MISSING, "POST", "survey_part"),
    "surveys:sample": (MODERATOR, "GET", "survey"),
    "surveys:moderation": (MODERATOR, "GET", "survey"),
    "surveys:moderate": (MISSING, "POST", "survey"),  # names no answer: 404 even to it
    # 云考堂: every official's own exams; the county commission's bank. Exams and attempts
    # are not in the world (lianyun/exams/tests covers who reaches them).
    "exams:exam-list": (PUBLIC, "GET", ""),  # an official's exams, or the public quiz
    "exams:quiz": (PUBLIC, "GET", ""),
    "exams:quiz-keep": (PUBLIC, "POST", ""),
    "exams:quiz-result": (PUBLIC, "GET", ""),
    "exams:attempt-keep": (MISSING, "POST", "exam"),
    "exams:bank": (MODERATOR, "GET", ""),
    "exams:exam-create": (MODERATOR, "GET", ""),
    "exams:exam-remind": (MISSING, "POST", "exam"),
    "exams:attempt-certificate": (MISSING, "GET", "exam"),
    "exams:exam-start": (MISSING, "POST", "exam"),
    "exams:exam-results": (MISSING, "GET", "exam"),
    "exams:attempt-detail": (MISSING, "GET", "exam"),
    "exams:attempt-result": (MISSING, "GET", "exam"),
    # Articles, talks and reminder talks by key: tests/learning and tests/talks cover them.
    "learning:article-list": (PUBLIC, "GET", ""),
    "learning:desk": (MODERATOR, "GET", ""),
    "learning:article-create": (MODERATOR, "GET", ""),
    "learning:article-detail": (MISSING, "GET", "exam"),
    "learning:article-edit": (MISSING, "GET", "exam"),
    "learning:article-submit": (MISSING, "POST", "exam"),
    "learning:article-review": (MISSING, "POST", "exam"),
    "learning:article-withdraw": (MISSING, "POST", "exam"),
    "learning:article-reads": (MISSING, "GET", "exam"),
    "learning:media": (MISSING, "GET", "exam"),
    "talks:talk-list": (PUBLIC, "GET", ""),  # the public lectures to anyone else
    "talks:talk-create": (COMMISSION, "GET", ""),
    "talks:talk-detail": (MISSING, "GET", "exam"),
    "talks:talk-register": (MISSING, "POST", "exam"),
    "talks:talk-heartbeat": (MISSING, "POST", "exam"),
    "talks:talk-recording": (MISSING, "GET", "exam"),
    "talks:talk-manage": (MISSING, "GET", "exam"),
    "talks:question-moderate": (MISSING, "POST", "exam"),
    "talks:reminder-list": (OFFICIAL, "GET", ""),
    "talks:reminder-create": (COMMISSION, "GET", ""),
    "talks:reminder-detail": (MISSING, "GET", "exam"),
    "talks:reminder-acknowledge": (MISSING, "POST", "exam"),
    "talks:record-list": (COMMISSION, "GET", ""),
    "talks:record-detail": (MISSING, "GET", "exam"),
    # Flags by key: tests/redflags cover them (town scope, recusal, the village's question).
    "redflags:flag-list": (COMMISSION, "GET", ""),
    "redflags:risk": (COMMISSION, "GET", ""),
    "redflags:flag-detail": (MISSING, "GET", "exam"),
    "redflags:flag-confirm": (MISSING, "POST", "exam"),
    "redflags:flag-dismiss": (MISSING, "POST", "exam"),
    "redflags:flag-ask": (MISSING, "POST", "exam"),
    "redflags:request-detail": (MISSING, "GET", "exam"),
    "dashboard:overview": (COMMISSION, "GET", ""),
    "statistics:statistics": (PUBLIC, "GET", ""),
    "dashboard:overview-region": (WATCHER, "GET", "town"),
    # Keyed by region and counter: tests/dashboard cover the drill-downs and their scope.
    "dashboard:drill": (MISSING, "GET", "town"),
    "dashboard:report": (WATCHER, "GET", "town"),
    # The JSON API authenticates by bearer token, not session: tests/api covers it, and
    # schemathesis checks that no operation ignores its authentication.
    "api:openapi-json": (API, "GET", ""),
    "api:statistics": (API, "GET", ""),
    "api:api-root": (API, "GET", ""),
    "api:create_petition": (API, "POST", ""),
    "api:track_petition": (API, "GET", ""),
    "api:post_tracked_message": (API, "POST", ""),
    "api:list_petitions": (API, "GET", ""),
    "api:get_petition": (API, "GET", ""),
    "api:push_payout_batch": (API, "POST", ""),
    "api:get_payout_batch": (API, "GET", ""),
    "api:list_inquiries": (API, "GET", ""),
    "api:get_inquiry": (API, "GET", ""),
    "api:answer_inquiry": (API, "POST", ""),
    "api:list_meetings": (API, "GET", ""),
    "api:meeting_statistics": (API, "GET", ""),
    "api:get_meeting": (API, "GET", ""),
}

PERSONAS = [
    "anonymous",
    "villager",
    "village_cadre",
    "town_secretary",
    "outsider",
    "county_inspector",
    "custodian",
    "spouse_official",
    "colleague_official",
    "unit_member",
]


def _user(world: World, persona: str):  # type: ignore[no-untyped-def]
    cast = world.cast
    return {
        "anonymous": None,
        "villager": cast.villager.user,
        "village_cadre": cast.village_cadre.user,
        "town_secretary": cast.town_secretary.user,
        "outsider": cast.outsider.user,
        "county_inspector": cast.county_inspector.user,
        "custodian": world.custodian,
        "spouse_official": world.spouse_official,
        "colleague_official": world.colleague_official,
        "unit_member": world.unit_member,
    }[persona]


def _allowed(kind: str, persona: str, obj: str) -> bool:
    if kind == PUBLIC:
        return True
    if persona == "anonymous":
        return False
    if kind == REGISTER:
        # Not the custodian, a county department, the auditor or the IT operator.
        return persona not in {"villager", "custodian"} and _allowed(OFFICIAL, persona, obj)
    if kind == OFFICIAL:
        if persona == "villager":
            return False
        # Every object of the matrix lies in town A; town B's official is outside it.
        return not (persona == "outsider" and obj in {"region", "item", "evidence"})
    if kind == HANDLER:
        if persona not in {
            "town_secretary",
            "county_inspector",
            "outsider",
            "spouse_official",
            "colleague_official",
        }:
            # The custodian reads a petition only to judge an identity request.
            return persona == "custodian" and obj in {"petition", "attachment"}
        if obj in {
            "petition",
            "lead",
            "attachment",
            "meeting",
            "questioned",
            "demand",
            "inquiry",
            "finding",
        }:
            return persona in {"town_secretary", "county_inspector"}
        return True
    if kind == MISSING:
        return False
    if kind == PUBLISHER:
        return persona in {
            "village_cadre",
            "unit_member",
            "town_secretary",
            "county_inspector",
            "spouse_official",
            "colleague_official",
        }
    if kind == VERIFIED:
        return False  # no persona's session proved anyone; tests/ledger cover the owner
    if kind == DEPARTMENT:
        return False  # no persona of the matrix owns a subsidy item; tests/policies cover it
    if kind == POSTER:
        return persona in {"village_cadre", "unit_member"}
    if kind == WATCHER:
        return persona in {
            "town_secretary",
            "county_inspector",
            "spouse_official",
            "colleague_official",
        }
    if kind == IMPORTER:
        return False  # no persona of the matrix imports payouts; tests/ledger cover importers
    if kind == TOWN:
        return persona in {"town_secretary", "outsider", "spouse_official", "colleague_official"}
    if kind == MEMBER:
        return False  # tests/inspections cover the members
    if kind == MODERATOR:
        return persona == "county_inspector"
    if kind == ASKER:
        return False  # tests/inquiries cover the asker
    if kind == ANSWERER:
        return persona not in {"villager", "custodian"}
    if kind == ADDRESSEE:
        # The committee's own accounts; the colleague official holds a post in it.
        return persona in {"village_cadre", "unit_member", "colleague_official"}
    if kind == COMMISSION:
        return persona in {
            "town_secretary",
            "outsider",
            "county_inspector",
            "spouse_official",
            "colleague_official",
        }
    if kind in (SIGNED_IN, HOME):
        return True
    if kind == CUSTODIAN:
        return persona == "custodian"
    if kind == RECTIFIER:
        return persona in {
            "village_cadre",
            "town_secretary",
            "county_inspector",
            "spouse_official",
            "colleague_official",
            "unit_member",
        }
    raise AssertionError(kind)


def _kwargs(world: World, names: tuple[str, ...], obj: str) -> dict[str, object]:
    if obj == "attachment":
        return {"pk": world.petition.pk, "attachment_id": world.attachment.pk}
    if obj == "payout":
        return {"payout_id": 1}
    if obj == "disclosure":
        return {"pk": world.disclosure.pk}
    if obj == "disclosure_file":
        return {"pk": world.disclosure.pk, "file_id": 999_999}
    if obj == "upload":
        return {"public_id": "6b0f8f7e-0d7c-4a6e-9a53-0c1f3f1b2a11"}
    if obj == "policy":
        return {"code": "dibao"}
    if obj == "policy_item":
        return {"pk": 1}
    if obj in {"entry", "consistency"}:
        return {"index": 0} if names else {}
    if obj == "assessment":
        return {"code": world.cast.town_a.code, "indicator": "coverage"}
    if obj == "visit_photo":
        return {"pk": world.visit.pk, "photo_id": 999_999}
    if obj == "survey_part":  # a question or target the survey does not have
        return {name: world.survey.pk if name == "pk" else 999_999 for name in names}
    if obj == "survey_town":
        return {"pk": world.survey.pk, "code": world.cast.town_a.code}
    if obj == "questioned":
        return {"pk": world.meeting.pk, "qid": world.meeting.officials.get().pk}
    if obj == "evidence":
        return {"pk": world.item.pk, "evidence_id": world.evidence.pk}
    value = {
        "region": world.cast.village_a1.code,
        "town": world.cast.town_a.code,
        "petition": world.petition.pk,
        "lead": world.lead.pk,
        "identity_request": world.identity_request.pk,
        "item": world.item.pk,
        "function": "ledger",
        "year": 2026,
        "purpose": "petition",
        "inquiry": world.inquiry.pk,
        "pending_inquiry": world.pending_inquiry.pk,
        "meeting": world.meeting.pk,
        "demand": world.demand.pk,
        "group": world.visit.group_id,
        "visit": world.visit.pk,
        "finding": world.finding.pk,
        "survey": world.survey.pk,
        "sheet": world.sheet.pk,
        "report": 999_999,  # tests/inspections cover reports
        "absent": 999_999,
        "exam": 999_999,  # tests/exams cover exams and attempts
        "": None,
    }[obj]
    return {name: value for name in names}


def test_every_route_has_a_policy() -> None:
    names = {route.name for route in all_routes()}
    assert names - set(POLICY) == set(), "add the new routes to POLICY"
    assert set(POLICY) - names == set(), "remove routes that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_cell_of_the_matrix_matches_policy(world: World, persona: str) -> None:
    routes = {route.name: route for route in all_routes()}
    problems = []
    for name, (kind, method, obj) in POLICY.items():
        if kind == API:
            continue
        if persona == "custodian" and method == "POST" and kind == HANDLER:
            allowed = False  # reading is not acting
        else:
            allowed = _allowed(kind, persona, obj)
        url = reverse(name, kwargs=_kwargs(world, routes[name].converters, obj) or None)
        client = client_for(_user(world, persona))
        response = client.post(url, {}) if method == "POST" else client.get(url)
        status = response.status_code
        if allowed:
            # 403 is an answer about the object (seen, but a gate is closed), not a leak.
            ok = status != 404 and not (
                status == 302 and "/accounts/login/" in response.get("Location", "")
            )
        elif persona == "anonymous":
            ok = status == 404 or (status == 302 and "/accounts/login/" in response["Location"])
        else:
            ok = status == 404
        if not ok:
            problems.append(f"{method} {name} as {persona}: {status}")
    assert problems == []


def test_a_foreign_petition_answers_exactly_like_a_missing_one(world: World) -> None:
    client = client_for(world.cast.outsider.user)
    foreign = client.get(reverse("petitions:petition-detail", args=[world.petition.pk]))
    missing = client.get(reverse("petitions:petition-detail", args=[999_999]))
    assert foreign.status_code == missing.status_code == 404
    assert unsalted(foreign.content) == unsalted(missing.content)
