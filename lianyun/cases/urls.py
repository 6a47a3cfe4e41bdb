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
