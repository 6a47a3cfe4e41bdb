from django.urls import path

from lianyun.publications import views

app_name = "publications"
urlpatterns = [
    path("", views.entry_list, name="entry-list"),
    path("<int:index>/", views.entry_detail, name="entry-detail"),
    path("<int:index>/proof/", views.inclusion_proof, name="entry-proof"),
    path("consistency/", views.consistency_proof, name="consistency-proof"),
    path("keys.json", views.keys, name="keys"),
    path("checkpoint.json", views.checkpoint_json, name="checkpoint"),
    path("cosign/", views.cosign, name="cosign"),
]
