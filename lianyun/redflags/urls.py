from django.urls import path

from lianyun.redflags import views

app_name = "redflags"
urlpatterns = [
    path("", views.flag_list, name="flag-list"),
    path("risk/", views.risk, name="risk"),
    path("<int:pk>/", views.flag_detail, name="flag-detail"),
    path("<int:pk>/confirm/", views.flag_confirm, name="flag-confirm"),
    path("<int:pk>/dismiss/", views.flag_dismiss, name="flag-dismiss"),
    path("<int:pk>/ask/", views.flag_ask, name="flag-ask"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
]
