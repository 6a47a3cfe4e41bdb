from django.urls import path

from lianyun.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.item_list, name="subsidyitem-list"),
    path("<slug:code>/", views.item_detail, name="subsidyitem-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="subsidyitem-edit"),
]
