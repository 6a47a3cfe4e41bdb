from django.urls import path

from lianyun.cases import views

app_name = "rectifications"
urlpatterns = [
    path("", views.public_rectification_list, name="rectification-list"),
]
