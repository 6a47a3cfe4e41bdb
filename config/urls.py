from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lianyun.portal.urls")),
    path("accounts/", include("lianyun.accounts.urls")),
    path("workspace/", include("lianyun.workspace.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
