from django.urls import path

from lianyun.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_detail, name="region-detail"),
    path("regions/<str:code>/residents/", views.resident_list, name="resident-list"),
    path("residents/lookup/", views.resident_lookup, name="resident-lookup"),
    path("notifications/", views.notification_list, name="notification-list"),
]
