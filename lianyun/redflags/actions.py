"""Writes for 大数据比对: registry imports, cross-check runs that leave flags, and the review
of a flag (confirm into a lead, dismiss with a reason, ask the village). A refusal is a
ValidationError (or ImportRefused for a file) in the user's language and writes nothing."""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.cases.actions import open_lead
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core import audit, crypto
from lianyun.core.roles import Role
from lianyun.ledger.importer import RowError
from lianyun.ledger.models import PAYOUT_ID_CONTEXT, Payout
from lianyun.people.models import Post, Resident
from lianyun.policies.models import SubsidyItem
from lianyun.redflags import extract, rules
from lianyun.redflags.models import (
    CadreTerm,
    Death,
    Flag,
    FlagStatus,
    HouseholdLink,
    PublicEmployee,
    RegistryImport,
    RegistryKind,
    RelativeLink,
    Run,
    SeparateFiling,
)
from lianyun.redflags.registries import parse
from lianyun.regions.models import Region
from lianyun.regions.queries import commission_of, county_commission

RULE_NAMES = {  # lazy: read in the language of each request
    "deceased_paid": gettext_lazy("paid after death"),
    "public_employee_paid": gettext_lazy("public employee paid a closed item"),
    "cadre_relative_paid": gettext_lazy("cadre or relative paid without a separate filing"),
    "duplicate_payout": gettext_lazy("paid twice"),
    "shared_account": gettext_lazy("one account for many people"),
    "over_standard": gettext_lazy("above the standard"),
    "short_paid": gettext_lazy("paid less than approved"),
    "late_paid": gettext_lazy("paid late"),
    "age_ineligible": gettext_lazy("outside the item's age band"),
}


def rule_name(rule: str) -> str:
    return str(RULE_NAMES.get(rule, rule))


# --- registries ------------------------------------------------------------------------------


@dataclass
class RegistrySummary:
    kind: str
    sha256: str
    encoding: str = ""
    rows_read: int = 0
    rows_written: int = 0
    already_imported: bool = False
    errors: list[RowError] = field(default_factory=list)


# Per kind: the model, and its fields from the parsed row's keys.
REGISTRY_FIELDS: dict[str, tuple[type[Any], dict[str, str]]] = {
    RegistryKind.HOUSEHOLDS: (
        HouseholdLink,
        {"head_index": "head_index", "member_index": "member_index", "relation": "relation"},
    ),
    RegistryKind.DEATHS: (
        Death,
        {"id_index": "id_index", "id_masked": "id_masked", "name": "name", "died_on": "died_on"},
    ),
    RegistryKind.PUBLIC_EMPLOYEES: (
        PublicEmployee,
        {
            "id_index": "id_index",
            "id_masked": "id_masked",
            "name": "name",
            "unit": "unit",
            "start": "start",
            "end": "end",
        },
    ),
    RegistryKind.CADRES: (
        CadreTerm,
        {
            "id_index": "id_index",
            "id_masked": "id_masked",
            "name": "name",
            "village_id": "village",
            "title": "title",
            "start": "start",
            "end": "end",
        },
    ),
    RegistryKind.RELATIVES: (
        RelativeLink,
        {"cadre_index": "cadre_index", "relative_index": "relative_index", "relation": "relation"},
    ),
    RegistryKind.SEPARATE_FILINGS: (
        SeparateFiling,
        {"id_index": "id_index", "item_id": "item", "filed_on": "filed_on"},
    ),
}


def _registry_rows(kind: str, source: RegistryImport, rows: list[dict[str, Any]]) -> int:
    """Bulk insert; rows already on record (the same natural key) are skipped."""
    model, fields = REGISTRY_FIELDS[kind]
    before = model.objects.count()
    model.objects.bulk_create(
        (model(source=source, **{f: r[k] for f, k in fields.items()}) for r in rows),
        batch_size=5000,
        ignore_conflicts=True,
    )
    return int(model.objects.count() - before)


@transaction.atomic
def import_registry(
    *,
    kind: str,
    data: bytes,
    label: str = "",
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> RegistrySummary:
    """All rows or none: a file with a bad row writes nothing and says which rows; the same file
    twice writes nothing the second time."""
    sha = hashlib.sha256(data).hexdigest()
    summary = RegistrySummary(kind=kind, sha256=sha)
    if RegistryImport.objects.filter(kind=kind, sha256=sha).exists():
        summary.already_imported = True
        return summary
    parsed = parse(kind, data)
    summary.encoding, summary.rows_read, summary.errors = (
        parsed.encoding,
        parsed.rows_read,
        parsed.errors,
    )
    if parsed.errors:
        return summary
    source = RegistryImport.objects.create(
        kind=kind,
        sha256=sha,
        label=label[:120],
        encoding=parsed.encoding,
        rows_read=parsed.rows_read,
        imported_by=actor,
        imported_at=now or timezone.now(),
    )
    summary.rows_written = _registry_rows(kind, source, parsed.rows)
    source.rows_written = summary.rows_written
    source.save(update_fields=["rows_written"])
    audit.record(
        action="redflags.registry_imported",
        actor=actor,
        object_type="redflags.RegistryImport",
        object_id=source.pk,
        detail={"kind": kind, "rows": summary.rows_written, "sha256": sha},
    )
    return summary


# --- runs --------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    run: Run
    findings: pl.DataFrame
    flags_new: int


def config() -> dict[str, Any]:
    return dict(settings.LIANYUN_CROSSCHECK)


def _fingerprint(rule: str, payouts: list[int]) -> str:
    text = f"{rule}|{','.join(str(p) for p in sorted(payouts))}"
    return hashlib.sha256(text.encode()).hexdigest()


def _officials(village_ids: set[int], on: datetime.date) -> dict[int, list[str]]:
    """The village's cadres in office: from the cadre registry when it has the village, else
    from the posts the county keeps."""
    found: dict[int, list[str]] = {}
    for term in CadreTerm.objects.filter(village_id__in=village_ids, start__lte=on).exclude(
        end__lt=on
    ):
        found.setdefault(term.village_id, []).append(f"{term.title} {term.name}")
    missing = village_ids - set(found)
    for post in (
        Post.objects.filter(unit__region_id__in=missing, start__lte=on)
        .exclude(end__lt=on)
        .select_related("holder", "unit")
    ):
        found.setdefault(post.unit.region_id, []).append(f"{post.title} {post.holder.name}")
    return found


def crosscheck(
    *,
    rule_names: list[str] | None = None,
    since: str = "",
    incremental: bool = False,
    progress: Callable[[str], None] | None = None,
    now: datetime.datetime | None = None,
) -> RunSummary:
    """Run the rules and keep each new finding as a flag (a finding whose rule and payouts are
    already flagged, in any state, is not flagged again)."""
    now = now or timezone.now()
    names = rule_names or list(rules.RULES)
    unknown = [n for n in names if n not in rules.RULES]
    if unknown:
        raise ValidationError(
            _("Unknown rule %(rules)s; the rules are %(all)s.")
            % {"rules": ", ".join(unknown), "all": ", ".join(rules.RULES)}
        )
    after = 0
    if incremental:
        after = Run.objects.aggregate(m=Max("last_batch"))["m"] or 0
    last = Payout.objects.aggregate(m=Max("batch_id"))["m"] or 0
    run = Run.objects.create(
        started_at=now, rules=names, since=since, after_batch=after, last_batch=last
    )
    step = progress or (lambda phase: None)
    step("extract")
    frames = extract.registries() | {"payouts": extract.payouts(since=since, after_batch=after)}
    step("rules")
    findings = rules.run(frames, config(), names)
    step("flags")
    new = _keep(run, findings, now)
    run.payouts_scanned = frames["payouts"].height
    run.findings = findings.height
    run.flags_new = new
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        action="redflags.crosscheck",
        object_type="redflags.Run",
        object_id=run.pk,
        detail={
            "rules": names,
            "findings": findings.height,
            "new": new,
            "incremental": incremental,
        },
    )
    return RunSummary(run, findings, new)


def crosscheck_new_batches() -> RunSummary | None:
    """An incremental run when batches came in since the last run (none otherwise)."""
    last = Run.objects.aggregate(m=Max("last_batch"))["m"] or 0
    newest = Payout.objects.aggregate(m=Max("batch_id"))["m"] or 0
    if newest <= last:
        return None
    return crosscheck(incremental=bool(last))


def _with_fingerprints(findings: pl.DataFrame) -> pl.DataFrame:
    return findings.with_columns(
        fingerprint=pl.struct("rule", "payouts").map_elements(
            lambda r: _fingerprint(r["rule"], r["payouts"]), return_dtype=pl.String
        )
    ).unique(subset=["fingerprint"], keep="first", maintain_order=True)


def fingerprints(findings: pl.DataFrame) -> list[str]:
    return [] if findings.is_empty() else _with_fingerprints(findings)["fingerprint"].to_list()


@transaction.atomic
def _keep(run: Run, findings: pl.DataFrame, now: datetime.datetime) -> int:
    if findings.is_empty():
        return 0
    rows = _with_fingerprints(findings)
    known = set(
        Flag.objects.filter(fingerprint__in=rows["fingerprint"].to_list()).values_list(
            "fingerprint", flat=True
        )
    )
    rows = rows.filter(~pl.col("fingerprint").is_in(list(known)))
    if rows.is_empty():
        return 0
    villages = dict(
        Region.objects.filter(code__in=rows["village"].unique().to_list()).values_list("code", "pk")
    )
    items = dict(SubsidyItem.objects.values_list("code", "pk"))
    first_ids = [p[0] for p in rows["payouts"].to_list()]
    masked = dict(Payout.objects.filter(pk__in=first_ids).values_list("pk", "id_number_masked"))
    residents = dict(
        Resident.objects.filter(
            id_number_index__in=rows["id_index"].unique().to_list()
        ).values_list("id_number_index", "pk")
    )
    officials = _officials(set(villages.values()), timezone.localdate(now))
    flags = Flag.objects.bulk_create(
        Flag(
            rule=r["rule"],
            fingerprint=r["fingerprint"],
            run=run,
            village_id=villages[r["village"]],
            item_id=items.get(r["item"]) if r["item"] else None,
            period=r["period"],
            id_index=r["id_index"],
            id_masked=masked.get(r["payouts"][0], ""),
            name=r["name"],
            resident_id=residents.get(r["id_index"]),
            stake=Decimal(r["stake"]) / 100,
            evidence=json.loads(r["evidence"]),
            officials=officials.get(villages[r["village"]], []),
            created_at=now,
        )
        for r in rows.iter_rows(named=True)
    )
    through = Flag.payouts.through
    through.objects.bulk_create(
        (
            through(flag_id=flag.pk, payout_id=payout)
            for flag, payouts in zip(flags, rows["payouts"].to_list(), strict=True)
            for payout in payouts
        ),
        batch_size=5000,
    )
    return len(flags)


def export(flags: list[Flag], path: Path, actor: User | None = None) -> int:
    """One JSON object per flag, for the commission's own analysts; the full ID number is in
    it, so the export is written to the audit log."""
    with path.open("w", encoding="utf-8") as out:
        for flag in flags:
            first = flag.payouts.order_by("pk").first()
            number = (
                crypto.decrypt(first.id_number_encrypted, context=PAYOUT_ID_CONTEXT)
                if first
                else ""
            )
            out.write(
                json.dumps(
                    {
                        "flag": flag.pk,
                        "rule": flag.rule,
                        "id_number": number,
                        "name": flag.name,
                        "item": flag.item.code if flag.item else None,
                        "period": flag.period,
                        "village_code": flag.village.code,
                        "amount_at_stake": str(flag.stake),
                        "payouts": list(flag.payouts.order_by("pk").values_list("pk", flat=True)),
                        "evidence": flag.evidence,
                        "status": flag.status,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    audit.record(
        action="redflags.exported", actor=actor, detail={"flags": len(flags), "file": path.name}
    )
    return len(flags)


# --- review ------------------------------------------------------------------------------------


def _locked(flag: Flag, *states: str) -> Flag:
    locked = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("village", "item")
        .get(pk=flag.pk)
    )
    if locked.status not in states:
        raise ValidationError(_("This flag has been reviewed already."))
    return locked


def _audit(action: str, actor: User | None, flag: Flag, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type="redflags.Flag", object_id=flag.pk, detail=detail
    )


@transaction.atomic
def confirm(*, flag: Flag, actor: User, now: datetime.datetime | None = None) -> Flag:
    """The commission confirms the flag: a lead opens in the case engine with the flag on it."""
    locked = _locked(flag, FlagStatus.OPEN, FlagStatus.ASKED)
    handler = commission_of(locked.village) or county_commission()
    if handler is None:
        raise ValidationError(_("No commission is set up to take the lead."))
    with translation.override("zh-hans"):
        summary = f"{rule_name(locked.rule)}：{locked.village.name} {locked.name[:1]}某"
        if locked.item:
            summary += f" {locked.item.name} {locked.period}"
    locked.lead = open_lead(
        source_kind=SourceKind.FLAG,
        source_ref=source_ref(locked),
        region=locked.village,
        handling_unit=handler,
        summary=summary,
        subjects=[locked.resident] if locked.resident else None,
        amount_involved=locked.stake,
        actor=actor,
        today=timezone.localdate(now) if now else None,
    )
    locked.status, locked.reviewed_by, locked.reviewed_at = (
        FlagStatus.CONFIRMED,
        actor,
        now or timezone.now(),
    )
    locked.save(update_fields=["lead", "status", "reviewed_by", "reviewed_at"])
    _audit("redflags.confirmed", actor, locked, lead=locked.lead.pk)
    return locked


@transaction.atomic
def dismiss(*, flag: Flag, actor: User, reason: str, now: datetime.datetime | None = None) -> Flag:
    """Dismissed with a reason; the same facts will not flag again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the flag is dismissed.")})
    locked = _locked(flag, FlagStatus.OPEN, FlagStatus.ASKED)
    locked.status, locked.reason = FlagStatus.DISMISSED, reason.strip()
    locked.reviewed_by, locked.reviewed_at = actor, now or timezone.now()
    locked.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    _audit("redflags.dismissed", actor, locked)
    return locked


@transaction.atomic
def ask_village(
    *,
    flag: Flag,
    actor: User,
    question: str,
    due: datetime.date,
    now: datetime.datetime | None = None,
) -> Flag:
    """Ask the village's officials to explain the payouts by a date. They see the question and
    the payouts, never the flag, its rule or who raised it."""
    today = timezone.localdate(now or timezone.now())
    if not question.strip():
        raise ValidationError({"question": _("Write what the village should explain.")})
    if due <= today:
        raise ValidationError({"due": _("The deadline must be after today.")})
    locked = _locked(flag, FlagStatus.OPEN)
    locked.status, locked.question, locked.explanation_due = FlagStatus.ASKED, question.strip(), due
    locked.save(update_fields=["status", "question", "explanation_due"])
    with translation.override("zh-hans"):
        text = _("Please explain payouts in %(village)s by %(day)s.") % {
            "village": locked.village.name,
            "day": due.isoformat(),
        }
    url = reverse("redflags:request-detail", args=[locked.pk])
    for user in User.objects.filter(region=locked.village, role=Role.VILLAGE_CADRE, is_active=True):
        notify(user=user, text=text, url=url)
    _audit("redflags.asked", actor, locked, due=due.isoformat())
    return locked


@transaction.atomic
def explain(
    *, flag: Flag, user: User, explanation: str, now: datetime.datetime | None = None
) -> Flag:
    if not explanation.strip():
        raise ValidationError({"explanation": _("Write the explanation.")})
    locked = _locked(flag, FlagStatus.ASKED)
    if locked.explained_at is not None:
        raise ValidationError(_("The village has explained already."))
    locked.explanation, locked.explained_at = explanation.strip(), now or timezone.now()
    locked.save(update_fields=["explanation", "explained_at"])
    _audit("redflags.explained", user, locked)
    return locked
