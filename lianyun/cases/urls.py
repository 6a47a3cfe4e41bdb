from django.urls import path

from lianyun.cases import views

app_name = "cases"
urlpatterns = [
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead-detail"),
    path("leads/<int:pk>/dispose/", views.lead_dispose, name="lead-dispose"),
    path("leads/<int:pk>/outcome/", views.lead_outcome, name="lead-outcome"),
    path("leads/<int:pk>/conclude/", views.lead_conclude, name="lead-conclude"),
    path("counters/", views.counter_list, name="counter-list"),
]
urlpatterns += [
    path("rectifications/", views.rectification_list, name="rectification-list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification-detail"),
    path(
        "rectifications/<int:pk>/milestone/",
        views.rectification_milestone,
        name="rectification-milestone",
    ),
    path(
        "rectifications/<int:pk>/feedback/",
        views.rectification_feedback,
        name="rectification-feedback",
    ),
    path(
        "rectifications/<int:pk>/evidence/<int:evidence_id>/",
        views.evidence_detail,
        name="evidence-detail",
    ),
]
