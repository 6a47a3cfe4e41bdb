from django.urls import path

from lianyun.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<str:code>/", views.overview, name="overview-region"),
    path("<str:code>/report/", views.monthly_report, name="report"),
    path("<str:code>/<slug:key>/", views.drill, name="drill"),
]
