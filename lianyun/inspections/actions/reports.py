"""Monthly reports: a group's month compiled and signed, and the town's summary sent to the
county."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.inspections.actions._common import _audit
from lianyun.inspections.actions.sampling import _month_bounds
from lianyun.inspections.models import (
    Finding,
    FindingClass,
    FindingStatus,
    InspectionGroup,
    Membership,
    MonthlyReport,
    SampleItem,
    TownSummary,
    VisitKind,
)
from lianyun.regions.models import Region, UnitKind


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
