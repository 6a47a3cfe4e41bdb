from django.urls import path

from lianyun.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("groups/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/findings/", views.visit_finding, name="visit-finding"),
    path("visits/<int:pk>/sample/", views.visit_sample, name="visit-sample"),
    path("visits/<int:pk>/sample/check/", views.visit_sample_check, name="visit-sample-check"),
    path("visits/<int:pk>/photos/<int:photo_id>/", views.visit_photo, name="visit-photo"),
    path("groups/<int:pk>/reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/print/", views.report_print, name="report-print"),
    path("reports/<int:pk>/export/", views.report_export, name="report-export"),
    path("summaries/", views.summary_list, name="summary-list"),
    path("summaries/<int:pk>/print/", views.summary_print, name="summary-print"),
    path("summaries/<int:pk>/export/", views.summary_export, name="summary-export"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/weights/", views.assessment_weight, name="assessment-weight"),
    path(
        "assessment/<str:code>/<str:indicator>/",
        views.assessment_town,
        name="assessment-town",
    ),
    path("checklists/", views.checklist_list, name="checklist-list"),
    path("checklists/add/", views.checklist_add, name="checklist-add"),
    path("checklists/<int:pk>/retire/", views.checklist_retire, name="checklist-retire"),
    path("expenditures/", views.expenditure_list, name="expenditure-list"),
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/<int:pk>/review/", views.finding_review, name="finding-review"),
]
