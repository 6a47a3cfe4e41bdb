from django.urls import path

from lianyun.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.mine, name="mine"),
    path("functions/<slug:code>/", views.function_page, name="function-detail"),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("health/", views.health, name="health"),
]
