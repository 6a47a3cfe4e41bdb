from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save

# What the overview counts: a change to any of these refreshes the cached overviews.
COUNTED = (
    "petitions.Petition",
    "cases.Lead",
    "cases.Outcome",
    "cases.RectificationItem",
    "inquiries.InquiryMeeting",
    "inquiries.Demand",
    "inspections.Visit",
    "inspections.MonthlyReport",
    "redflags.Flag",
    "surveys.Survey",
    "exams.Exam",
    "exams.Attempt",
)


class DashboardConfig(AppConfig):
    name = "lianyun.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from lianyun.dashboard.tasks import data_changed

        for name in COUNTED:
            model = apps.get_model(name)
            post_save.connect(data_changed, sender=model, dispatch_uid=f"dashboard-{name}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"dashboard-{name}-d")
