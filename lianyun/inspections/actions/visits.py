"""Groups and visits: a town forms a group, its inspectors log visits on a phone and raise
findings, the town commission reviews them."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.cases.actions import open_lead, register_rectification
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core.filestore import save_files
from lianyun.core.roles import Role
from lianyun.core.uploads import check_upload
from lianyun.inspections.access import conflict_reason
from lianyun.inspections.actions._common import CHECK_ANSWERS, MAX_PHOTOS, _audit
from lianyun.inspections.models import (
    ChecklistItem,
    Finding,
    FindingClass,
    FindingStatus,
    InspectionGroup,
    Membership,
    Visit,
    VisitKind,
    VisitPhoto,
)
from lianyun.regions.models import Region, RegionKind, Unit, UnitKind
from lianyun.regions.queries import commission_of, county_commission


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
