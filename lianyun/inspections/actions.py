"""Writes for 村居巡检. A refusal is a ValidationError in the user's language and writes
nothing; each action owns its transaction and its audit row."""

import datetime
import random
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.cases.actions import open_lead, register_rectification
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core import audit
from lianyun.core.filestore import save_files
from lianyun.core.masking import mask_name
from lianyun.core.roles import Role
from lianyun.core.uploads import check_upload
from lianyun.inspections.access import conflict_reason
from lianyun.inspections.models import (
    DEFAULT_WEIGHTS,
    AssessmentWeight,
    ChecklistItem,
    Expenditure,
    Finding,
    FindingClass,
    FindingStatus,
    Indicator,
    InspectionGroup,
    Membership,
    MonthlyReport,
    SampleItem,
    SampleSource,
    TownSummary,
    Visit,
    VisitKind,
    VisitPhoto,
    WeightChange,
)
from lianyun.ledger.models import Payout
from lianyun.regions.models import Region, RegionKind, Unit, UnitKind
from lianyun.regions.queries import commission_of, county_commission

CHECK_ANSWERS = {"ok", "problem", "n/a"}
MAX_PHOTOS = 10


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


@transaction.atomic
def form_group(
    *,
    town: Region,
    name: str,
    formed_on: datetime.date,
    leader: User,
    members: list[User],
    villages: list[Region],
    actor: User | None,
) -> InspectionGroup:
    """A town commission forms a group: a leader, members (inspectors of the town) and the
    villages it covers."""
    if town.kind != RegionKind.TOWN:
        raise ValidationError(_("Choose a town."))
    commission = commission_of(town)
    if commission is None or commission.region_id != town.pk:
        raise ValidationError(_("This town has no commission to lead its groups."))
    if not name.strip():
        raise ValidationError(_("Give the group a name."))
    people = [leader, *[m for m in members if m.pk != leader.pk]]
    for user in people:
        if user.role != Role.INSPECTOR or user.region_id != town.pk:
            raise ValidationError(
                _("%(name)s is not an inspector of this town.") % {"name": str(user)}
            )
    for village in villages:
        if village.parent_id != town.pk:
            raise ValidationError(_("%(village)s is not in this town.") % {"village": village.name})
    group = InspectionGroup.objects.create(
        town=town, commission=commission, name=name.strip(), formed_on=formed_on
    )
    group.villages.set(villages)
    for user in people:
        Membership.objects.create(group=group, user=user, is_leader=user.pk == leader.pk)
    _audit("form:inspection_group", actor, group, members=[u.pk for u in people])
    return group


def _checklist(kind: str, answers: dict[str, str]) -> dict[str, str]:
    items = {
        str(pk)
        for pk in ChecklistItem.objects.filter(kind=kind, active=True).values_list("pk", flat=True)
    }
    clean = {}
    for key, value in answers.items():
        if key not in items or value not in CHECK_ANSWERS:
            raise ValidationError(_("Answer each point of the checklist with ok, problem or n/a."))
        clean[key] = value
    return clean


@transaction.atomic
def log_visit(
    *,
    group: InspectionGroup,
    village: Region,
    kind: str,
    visited_on: datetime.date,
    minutes: int,
    actor: User,
    people_met: str = "",
    notes: str = "",
    checklist: dict[str, str] | None = None,
    files: list[UploadedFile] | None = None,
    client_key: str = "",
    now: datetime.datetime | None = None,
) -> Visit:
    """A member logs a visit. Sent again with the same client key, the visit already logged is
    returned (the phone's outbox after a lost answer)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if client_key:
        sent = Visit.objects.filter(group=group, client_key=client_key).first()
        if sent is not None:
            return sent
    if not Membership.objects.filter(group=group, user=actor).exists():
        raise ValidationError(_("Only the group's members log its visits."))
    if not group.villages.filter(pk=village.pk).exists():
        raise ValidationError(
            _("%(village)s is not one of this group's villages.") % {"village": village.name}
        )
    reason = conflict_reason(actor.resident, village, visited_on)
    if reason:
        raise ValidationError(
            _("You may not inspect this village: %(reason)s") % {"reason": reason}
        )
    if kind not in VisitKind.values:
        raise ValidationError(_("Choose the kind of visit."))
    if visited_on > today:
        raise ValidationError(_("A visit cannot be dated in the future."))
    if visited_on < group.formed_on:
        raise ValidationError(
            _("The group was formed on %(day)s; a visit cannot be earlier.")
            % {"day": group.formed_on.isoformat()}
        )
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError(_("Give the visit's duration in minutes."))
    if len(files or []) > MAX_PHOTOS:
        raise ValidationError(_("At most %(count)d files.") % {"count": MAX_PHOTOS})
    checked = [check_upload(upload) for upload in files or []]
    visit = Visit.objects.create(
        group=group,
        village=village,
        kind=kind,
        visited_on=visited_on,
        minutes=minutes,
        people_met=people_met.strip(),
        notes=notes.strip(),
        checklist=_checklist(kind, checklist or {}),
        recorded_by=actor,
        recorded_at=now,
        client_key=client_key[:64],
    )
    save_files(VisitPhoto, checked, visit=visit)
    _audit("log:visit", actor, visit)
    return visit


@transaction.atomic
def raise_finding(
    *,
    visit: Visit,
    finding_class: str,
    summary: str,
    actor: User,
    village: Region | None,
    now: datetime.datetime | None = None,
) -> Finding:
    """A finding from a visit, pending the town commission's review."""
    if village is None:
        raise ValidationError(_("A finding names its village."))
    if not visit.group.villages.filter(pk=village.pk).exists():
        raise ValidationError(
            _("%(village)s is not one of this group's villages.") % {"village": village.name}
        )
    if finding_class not in FindingClass.values:
        raise ValidationError(_("Choose the class of the finding."))
    if not summary.strip():
        raise ValidationError(_("Describe what was found."))
    finding = Finding.objects.create(
        visit=visit,
        village=village,
        finding_class=finding_class,
        summary=summary.strip(),
        created_at=now or timezone.now(),
    )
    _audit("raise:finding", actor, finding, finding_class=finding_class)
    return finding


def _village_committee(village: Region) -> Unit | None:
    return Unit.objects.filter(region=village, kind=UnitKind.VILLAGE_COMMITTEE).first()


@transaction.atomic
def review_finding(
    *,
    finding: Finding,
    accept: bool,
    actor: User,
    comment: str = "",
    responsible: str = "",
    deadline: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Finding:
    """The town commission accepts a finding and routes it, or returns it with a comment.

    民生 → the village's rectification list (owner, person, deadline); 作风 → reported to the
    town commission; 腐败 → a lead for the county commission (handled one level up).
    """
    now = now or timezone.now()
    if finding.status == FindingStatus.ACCEPTED:
        raise ValidationError(_("This finding has already been accepted."))
    if not accept and not comment.strip():
        raise ValidationError(_("Say why the finding is returned."))
    if (
        accept
        and finding.finding_class == FindingClass.LIVING
        and (deadline is None or not responsible.strip())
    ):
        raise ValidationError(
            _("A living-conditions finding needs the person responsible and a deadline.")
        )
    finding.reviewed_at = now
    finding.reviewed_by = actor
    finding.review_comment = comment.strip()
    if not accept:
        finding.status = FindingStatus.RETURNED
        finding.save()
        _audit("return:finding", actor, finding)
        return finding
    finding.status = FindingStatus.ACCEPTED
    ref = source_ref(finding)
    if finding.finding_class == FindingClass.LIVING:
        assert deadline is not None  # noqa: S101 - checked above
        owner = _village_committee(finding.village) or finding.visit.group.commission
        finding.item = register_rectification(
            source_kind=SourceKind.INSPECTION,
            source_ref=ref,
            region=finding.village,
            title=finding.summary[:200],
            owner_unit=owner,
            responsible=responsible,
            deadline=deadline,
            actor=actor,
            today=timezone.localdate(now),
        )
    elif finding.finding_class == FindingClass.CORRUPTION:
        county = county_commission()
        if county is None:
            raise ValidationError(_("There is no county commission to hand the lead to."))
        finding.lead = open_lead(
            source_kind=SourceKind.INSPECTION,
            source_ref=ref,
            region=finding.village,
            handling_unit=county,
            summary=finding.summary,
            subject_unit=_village_committee(finding.village),
            actor=actor,
            today=timezone.localdate(now),
        )
    finding.save()
    _audit("accept:finding", actor, finding, finding_class=finding.finding_class)
    if finding.finding_class == FindingClass.CONDUCT:
        for user in User.objects.filter(
            role=Role.TOWN_COMMISSION, region=finding.visit.group.town, is_active=True
        ):
            notify(
                user=user,
                text=_("An inspection group reports a conduct problem."),
                url="/workspace/",
            )
    return finding


# --- account checks: a reproducible sample ---------------------------------------------------

SAMPLE_SIZE = 10  # of each source


def _month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValidationError(_("Give the month as YYYY-MM.")) from None
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def sample_picks(
    village: Region, month: str, seed: str, size: int = SAMPLE_SIZE
) -> list[tuple[str, int]]:
    """Which records a seed picks: the same village, month and seed always pick the same ones,
    so anyone can redraw a sample and see that nobody chose it by hand."""
    first, last = _month_bounds(month)
    payouts = list(
        Payout.objects.filter(village=village, period=month)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    spent = list(
        Expenditure.objects.filter(village=village, spent_on__range=(first, last))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(f"{seed}:{village.code}:{month}")  # noqa: S311 - reproducible, not secret
    picks = [(SampleSource.PAYOUT.value, pk) for pk in rng.sample(payouts, min(size, len(payouts)))]
    picks += [
        (SampleSource.EXPENDITURE.value, pk) for pk in rng.sample(spent, min(size, len(spent)))
    ]
    return sorted(picks)


@transaction.atomic
def draw_sample(
    *, visit: Visit, month: str, actor: User, seed: str = "", size: int = SAMPLE_SIZE
) -> list[SampleItem]:
    """An account check draws its sample of the village's payouts and expenditures of a month."""
    if visit.kind != VisitKind.ACCOUNT_CHECK:
        raise ValidationError(_("Only an account check draws a sample."))
    if not Membership.objects.filter(group=visit.group, user=actor).exists():
        raise ValidationError(_("Only the group's members log its visits."))
    if visit.sample_seed:
        raise ValidationError(_("This visit's sample is already drawn."))
    seed = seed or secrets.token_hex(8)
    picks = sample_picks(visit.village, month, seed, size)
    if not picks:
        raise ValidationError(
            _("Nothing was recorded for %(village)s in %(month)s: there is nothing to sample.")
            % {"village": visit.village.name, "month": month}
        )
    payouts = Payout.objects.select_related("item").in_bulk(
        [pk for source, pk in picks if source == SampleSource.PAYOUT]
    )
    spent = Expenditure.objects.in_bulk(
        [pk for source, pk in picks if source == SampleSource.EXPENDITURE]
    )
    items = []
    for source, pk in picks:
        if source == SampleSource.PAYOUT:
            payout = payouts[pk]
            label = f"{payout.item.name} {payout.period} {mask_name(payout.name)}"
            amount = payout.amount
        else:
            expense = spent[pk]
            label = f"{expense.spent_on} {expense.payee} {expense.purpose} {expense.voucher}"
            amount = expense.amount
        items.append(
            SampleItem.objects.create(
                visit=visit, source=source, record_id=pk, label=label[:200], amount=amount
            )
        )
    visit.sample_month = month
    visit.sample_seed = seed
    visit.save(update_fields=["sample_month", "sample_seed"])
    _audit("sample:visit", actor, visit, month=month, seed=seed, size=len(items))
    return items


@transaction.atomic
def check_sample_item(
    *,
    item: SampleItem,
    verified: bool,
    actor: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SampleItem:
    """The inspector marks a sampled record as matching its voucher or not (with a note)."""
    if not Membership.objects.filter(group=item.visit.group, user=actor).exists():
        raise ValidationError(_("Only the group's members log its visits."))
    if not verified and not note.strip():
        raise ValidationError(_("Say what does not match."))
    item.verified = verified
    item.note = note.strip()
    item.checked_at = now or timezone.now()
    item.save()
    _audit("check:sample", actor, item.visit, item=item.pk, verified=verified)
    return item


def record_expenditure(
    *,
    village: Region,
    spent_on: datetime.date,
    amount: Decimal,
    payee: str,
    purpose: str,
    voucher: str = "",
) -> Expenditure:
    if amount <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    if spent_on > timezone.localdate():
        raise ValidationError(_("An expenditure cannot be dated in the future."))
    if not payee.strip() or not purpose.strip():
        raise ValidationError(_("Give the payee and the purpose."))
    return Expenditure.objects.create(
        village=village,
        spent_on=spent_on,
        amount=amount,
        payee=payee,
        purpose=purpose,
        voucher=voucher,
    )


# --- monthly reports ----------------------------------------------------------------------


def _due(month: str, day: int) -> datetime.date:
    _first, last = _month_bounds(month)
    return last + datetime.timedelta(days=day)


def report_figures(group: InspectionGroup, month: str) -> dict[str, Any]:
    """What a group did in a month, from its own records: visits by kind and village, the
    villages it covers but did not visit, findings by class and review, the samples checked,
    and the rectification items its findings opened."""
    first, last = _month_bounds(month)
    visits = list(group.visits.filter(visited_on__range=(first, last)).select_related("village"))
    covered = {v.code: v.name for v in group.villages.order_by("code")}
    visited = sorted({v.village.code for v in visits})
    findings = list(Finding.objects.filter(visit__in=visits).select_related("item"))
    samples = SampleItem.objects.filter(visit__in=visits)
    by_kind = {kind: 0 for kind in VisitKind.values}
    for visit in visits:
        by_kind[visit.kind] += 1
    by_class = {c: 0 for c in FindingClass.values}
    for finding in findings:
        by_class[finding.finding_class] += 1
    items = [f.item for f in findings if f.item is not None]
    return {
        "visits": len(visits),
        "minutes": sum(v.minutes for v in visits),
        "by_kind": by_kind,
        "villages_covered": len(covered),
        "villages_visited": visited,
        "gaps": [code for code in covered if code not in visited],
        "gap_names": [name for code, name in covered.items() if code not in visited],
        "findings": len(findings),
        "by_class": by_class,
        "findings_accepted": sum(f.status == FindingStatus.ACCEPTED for f in findings),
        "findings_pending": sum(f.status == FindingStatus.PENDING for f in findings),
        "sampled": samples.count(),
        "sample_mismatches": samples.filter(verified=False).count(),
        "rectifications": len(items),
        "rectifications_closed": sum(i.status == "closed_out" for i in items),
    }


@transaction.atomic
def compile_report(
    *, group: InspectionGroup, month: str, actor: User | None, now: datetime.datetime | None = None
) -> MonthlyReport:
    """Compile (or compile again, until it is signed) a group's report for a month that is over."""
    now = now or timezone.now()
    _first, last = _month_bounds(month)
    if last >= timezone.localdate(now):
        raise ValidationError(_("A month is reported once it is over."))
    if last < group.formed_on:
        raise ValidationError(
            _("The group was formed on %(day)s; it has nothing to report for %(month)s.")
            % {"day": group.formed_on.isoformat(), "month": month}
        )
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(
        group=group,
        month=month,
        defaults={
            "due_on": _due(month, settings.LIANYUN_INSPECTION_REPORT_DAY),
            "compiled_at": now,
        },
    )
    if report.signed_at is not None:
        raise ValidationError(_("This report is signed; it can no longer change."))
    report.figures = report_figures(group, month)
    report.compiled_at = now
    report.save()
    _audit("compile:report", actor, report)
    return report


@transaction.atomic
def sign_report(
    *, report: MonthlyReport, actor: User, comment: str = "", now: datetime.datetime | None = None
) -> MonthlyReport:
    """The group leader reviews and signs; the figures are compiled afresh at that moment."""
    now = now or timezone.now()
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.signed_at is not None:
        raise ValidationError(_("This report is already signed."))
    if not Membership.objects.filter(group=report.group, user=actor, is_leader=True).exists():
        raise ValidationError(_("Only the group leader signs its report."))
    report.figures = report_figures(report.group, report.month)
    report.comment = comment.strip()
    report.signed_at = now
    report.signed_by = actor
    report.save()
    _audit("sign:report", actor, report, late=timezone.localdate(now) > report.due_on)
    return report


def summary_figures(town: Region, month: str) -> dict[str, Any]:
    """The town's month from its groups' signed reports: each group's figures, whether it was
    signed on time, and the totals."""
    groups = []
    totals = {"visits": 0, "findings": 0, "gaps": 0, "rectifications": 0}
    for group in InspectionGroup.objects.filter(town=town, formed_on__lte=_month_bounds(month)[1]):
        report = MonthlyReport.objects.filter(group=group, month=month).first()
        signed = report is not None and report.signed_at is not None
        figures = report.figures if report is not None and signed else {}
        groups.append(
            {
                "group": group.name,
                "signed": signed,
                "late": bool(
                    signed
                    and report is not None
                    and report.signed_at is not None
                    and timezone.localdate(report.signed_at) > report.due_on
                ),
                "visits": figures.get("visits", 0),
                "findings": figures.get("findings", 0),
                "gaps": len(figures.get("gaps", [])),
                "rectifications": figures.get("rectifications", 0),
            }
        )
        for key in totals:
            totals[key] += groups[-1][key]
    return {
        "groups": groups,
        "missing": [g["group"] for g in groups if not g["signed"]],
        "late": [g["group"] for g in groups if g["late"]],
        **totals,
    }


@transaction.atomic
def send_summary(
    *,
    town: Region,
    month: str,
    comment: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> TownSummary:
    """The town commission sends its summary (with its comment) to the county commission and
    the town party committee. It is sent once; missing and late reports show in it."""
    now = now or timezone.now()
    _first, last = _month_bounds(month)
    if last >= timezone.localdate(now):
        raise ValidationError(_("A month is reported once it is over."))
    if not comment.strip():
        raise ValidationError(_("Add the town commission's comment."))
    if TownSummary.objects.filter(town=town, month=month, sent_at__isnull=False).exists():
        raise ValidationError(_("This summary has already been sent."))
    summary, _created = TownSummary.objects.update_or_create(
        town=town,
        month=month,
        defaults={
            "due_on": _due(month, settings.LIANYUN_INSPECTION_SUMMARY_DAY),
            "figures": summary_figures(town, month),
            "compiled_at": now,
            "comment": comment.strip(),
            "sent_at": now,
            "sent_by": actor,
        },
    )
    _audit("send:summary", actor, summary)
    party_committee = Q(unit__kind=UnitKind.PARTY_COMMITTEE, unit__region=town)
    for user in User.objects.filter(
        Q(role=Role.COUNTY_COMMISSION) | party_committee, is_active=True
    ):
        notify(
            user=user,
            text=_("%(town)s sent its inspection summary for %(month)s.")
            % {"town": town.name, "month": month},
            url="/workspace/",
        )
    return summary


@transaction.atomic
def set_weight(
    *, indicator: str, weight: int, reason: str, actor: User, now: datetime.datetime | None = None
) -> AssessmentWeight:
    """The county changes an indicator's weight, with its reason; the change is kept."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission sets the assessment's weights."))
    if indicator not in Indicator.values:
        raise ValidationError(_("Unknown indicator."))
    if not 0 <= weight <= 100:
        raise ValidationError(_("A weight is a whole number from 0 to 100."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."))
    current, _created = AssessmentWeight.objects.select_for_update().get_or_create(
        indicator=indicator, defaults={"weight": DEFAULT_WEIGHTS[Indicator(indicator)]}
    )
    WeightChange.objects.create(
        indicator=indicator,
        old=current.weight,
        new=weight,
        reason=reason.strip(),
        changed_at=now or timezone.now(),
        changed_by=actor,
    )
    old = current.weight
    current.weight = weight
    current.save()
    audit.record(
        action="set:assessment_weight",
        actor=actor,
        object_type="inspections.AssessmentWeight",
        object_id=indicator,
        detail={"indicator": indicator, "old": old, "new": weight},
    )
    return current


@transaction.atomic
def add_checklist_item(*, kind: str, text: str, actor: User) -> ChecklistItem:
    """The county adds a point to a kind of visit's checklist."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission edits the checklists."))
    if kind not in VisitKind.values:
        raise ValidationError(_("Choose the kind of visit."))
    if not text.strip():
        raise ValidationError(_("Write what to check."))
    last = ChecklistItem.objects.filter(kind=kind).order_by("-order").first()
    item = ChecklistItem.objects.create(
        kind=kind, text=text.strip()[:200], order=(last.order + 1) if last else 1
    )
    _audit("add:checklist", actor, item, kind=kind)
    return item


@transaction.atomic
def retire_checklist_item(*, item: ChecklistItem, actor: User) -> ChecklistItem:
    """A point no longer asked; visits that answered it keep their answers."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission edits the checklists."))
    item.active = False
    item.save(update_fields=["active"])
    _audit("retire:checklist", actor, item)
    return item
