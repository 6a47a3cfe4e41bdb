from django.urls import path

from lianyun.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("notices/<int:pk>/", views.detail, name="disclosure-detail"),
    path("notices/<int:pk>/files/<int:file_id>/", views.download, name="disclosure-file"),
    path("notices/<int:pk>/object/", views.object_view, name="disclosure-object"),
    path("notices/<int:pk>/print/", views.print_view, name="disclosure-print"),
    path("notices/<int:pk>/correct/", views.correct, name="disclosure-correct"),
    path("villages/<str:code>/", views.village_list, name="disclosure-list"),
    path("villages/<str:code>/new/", views.create, name="disclosure-create"),
    path("overview/<str:code>/", views.overview, name="disclosure-overview"),
]
