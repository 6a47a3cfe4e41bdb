"""URLs. No Django admin: its sign-in would bypass the officials' second factor."""

from django.urls import include, path

from config.api import api
from lianyun.core.health import healthz
from lianyun.core.views import pow_challenge

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("pow/<str:purpose>/", pow_challenge, name="pow-challenge"),
    path("", include("lianyun.portal.urls")),
    path("accounts/", include("lianyun.accounts.urls")),
    path("workspace/", include("lianyun.workspace.urls")),
    path("petitions/", include("lianyun.petitions.urls")),
    path("cases/", include("lianyun.cases.urls")),
    path("rectifications/", include("lianyun.cases.public_urls")),
    path("publications/", include("lianyun.publications.urls")),
    path("policies/", include("lianyun.policies.urls")),
    path("payouts/", include("lianyun.ledger.urls")),
    path("disclosures/", include("lianyun.disclosure.urls")),
    path("inquiries/", include("lianyun.inquiries.urls")),
    path("inspections/", include("lianyun.inspections.urls")),
    path("surveys/", include("lianyun.surveys.urls")),
    path("exams/", include("lianyun.exams.urls")),
    path("learning/", include("lianyun.learning.urls")),
    path("talks/", include("lianyun.talks.urls")),
    path("redflags/", include("lianyun.redflags.urls")),
    path("dashboard/", include("lianyun.dashboard.urls")),
    path("statistics/", include("lianyun.dashboard.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler400 = "lianyun.core.views.bad_request"
