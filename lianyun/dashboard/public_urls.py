from django.urls import path

from lianyun.dashboard import views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics, name="statistics"),
]
