"""村居巡检: inspection groups under a town commission visit their villages (documents,
accounts, meetings, households), raise findings that the town commission reviews and routes
into the case engine, and report monthly.

A finding names its class the way the town routes it: 民生 (living conditions) goes on the
village's rectification list, 作风 (conduct) is reported to the town commission, 腐败
(corruption) becomes a lead handled one level up, by the county commission.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.cases.models import Lead, RectificationItem
from lianyun.core.models import EncryptedFile
from lianyun.regions.models import Region, Unit


class InspectionGroup(models.Model):
    """巡检组: three or four per town, each with members and the villages it covers."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="inspection_groups")
    commission = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=64)
    formed_on = models.DateField(_("formed on"))
    villages = models.ManyToManyField(Region, related_name="inspected_by", blank=True)

    class Meta:
        ordering = ["town__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="group_name_unique_in_town"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(InspectionGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_groups"
    )
    is_leader = models.BooleanField(_("group leader"), default=False)

    class Meta:
        ordering = ["-is_leader", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="member_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class VisitKind(models.TextChoices):
    DOCUMENT_REVIEW = "document_review", _("document review")
    ACCOUNT_CHECK = "account_check", _("account check")
    MEETING_ATTENDANCE = "meeting_attendance", _("meeting attendance")
    HOUSEHOLD_VISIT = "household_visit", _("household visit")


class ChecklistItem(models.Model):
    """One point to check on a kind of visit; the county edits the list (the village
    小微权力清单 categories are the default)."""

    kind = models.CharField(_("kind of visit"), max_length=32, choices=VisitKind.choices)
    text = models.CharField(_("what to check"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Visit(models.Model):
    """One visit to a village, logged by a member of a group that covers it."""

    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="visits")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of visit"), max_length=32, choices=VisitKind.choices)
    visited_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    people_met = models.CharField(_("people met"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # {checklist item id: "ok" | "problem" | "n/a"} as answered on the day.
    checklist = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    client_key = models.CharField(max_length=64, blank=True)
    # An account check's sample: the month it was drawn from and the seed that reproduces it.
    sample_month = models.CharField(max_length=7, blank=True)
    sample_seed = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="visit_takes_time"),
            models.UniqueConstraint(
                fields=["group", "client_key"],
                condition=~Q(client_key=""),
                name="visit_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.visited_on} {self.kind}"


VISIT_PHOTO_CONTEXT = "inspections.VisitPhoto.content"


class VisitPhoto(EncryptedFile):
    """A photo or document from a visit, stored encrypted with its metadata stripped."""

    folder = "visits"
    context = VISIT_PHOTO_CONTEXT

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"photo {self.pk}"


class FindingClass(models.TextChoices):
    LIVING = "living", _("living conditions (民生)")
    CONDUCT = "conduct", _("conduct (作风)")
    CORRUPTION = "corruption", _("corruption (腐败)")


class FindingStatus(models.TextChoices):
    PENDING = "pending", _("pending review")
    ACCEPTED = "accepted", pgettext_lazy("finding", "accepted")
    RETURNED = "returned", _("returned")


class Finding(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    finding_class = models.CharField(_("class"), max_length=16, choices=FindingClass.choices)
    summary = models.TextField(_("what was found"))
    status = models.CharField(
        max_length=16, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    review_comment = models.TextField(_("the town commission's comment"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = models.OneToOneField(
        RectificationItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="finding_returned_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_finding_class_display()}: {self.summary[:30]}"


class Expenditure(models.Model):
    """A village's recorded expenditure (村级报账), which an account check samples."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="expenditures")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    payee = models.CharField(_("payee"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    voucher = models.CharField(_("voucher number"), max_length=32, blank=True)

    class Meta:
        ordering = ["spent_on", "pk"]
        indexes = [models.Index(fields=["village", "spent_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.payee} {self.amount}"


class SampleSource(models.TextChoices):
    PAYOUT = "payout", _("payout")
    EXPENDITURE = "expenditure", _("expenditure")


class SampleItem(models.Model):
    """One sampled record, to be verified against its voucher."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sample")
    source = models.CharField(max_length=16, choices=SampleSource.choices)
    record_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200)  # what the inspector looks for, names masked
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    verified = models.BooleanField(null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source", "record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "source", "record_id"], name="sample_item_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MonthlyReport(models.Model):
    """A group's report for a month, compiled from what it logged (nothing retyped) and signed
    by its leader, due by a set day of the following month."""

    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="reports")
    month = models.CharField(max_length=7)  # YYYY-MM
    due_on = models.DateField()
    figures = models.JSONField(default=dict)
    compiled_at = models.DateTimeField()
    comment = models.TextField(_("the leader's comment"), blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "group"]
        constraints = [
            models.UniqueConstraint(fields=["group", "month"], name="report_once_a_month"),
            models.CheckConstraint(
                condition=Q(month__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"), name="report_month_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.month}"


class TownSummary(models.Model):
    """The town commission's monthly summary of its groups' reports, with its comment, sent to
    the county commission and the town party committee."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="inspection_summaries")
    month = models.CharField(max_length=7)
    due_on = models.DateField()
    figures = models.JSONField(default=dict)
    compiled_at = models.DateTimeField()
    comment = models.TextField(_("the town commission's comment"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "town__code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "month"], name="summary_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.month}"


class Indicator(models.TextChoices):
    """What the county's assessment of towns counts, each from the system's own records."""

    COVERAGE = "coverage", _("inspection coverage")
    REPORTS = "reports", _("reports signed on time")
    FINDINGS = "findings", _("findings put right on time")
    RECTIFICATION = "rectification", _("rectifications neither overdue nor reopened")
    PETITIONS = "petitions", _("suggestions and requests answered in time")
    INQUIRIES = "inquiries", _("public questions answered in time")
    SURVEYS = "surveys", _("survey results")


DEFAULT_WEIGHTS = {
    Indicator.COVERAGE: 20,
    Indicator.REPORTS: 15,
    Indicator.FINDINGS: 15,
    Indicator.RECTIFICATION: 15,
    Indicator.PETITIONS: 20,
    Indicator.INQUIRIES: 15,
    Indicator.SURVEYS: 15,
}


class AssessmentWeight(models.Model):
    """The county's weight for one indicator; every change is kept (WeightChange) and audited."""

    indicator = models.CharField(max_length=16, choices=Indicator.choices, primary_key=True)
    weight = models.PositiveSmallIntegerField(_("weight"))

    def __str__(self) -> str:
        return f"{self.indicator}={self.weight}"


class WeightChange(models.Model):
    indicator = models.CharField(max_length=16, choices=Indicator.choices)
    old = models.PositiveSmallIntegerField()
    new = models.PositiveSmallIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.old}→{self.new}"
