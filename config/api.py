"""The versioned JSON API, /api/v1/, with its OpenAPI schema at /api/v1/openapi.json."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from lianyun.dashboard.api import router as statistics_router
from lianyun.inquiries.api import router as inquiries_router
from lianyun.ledger.api import router as ledger_router
from lianyun.petitions.api import router as petitions_router

api = NinjaAPI(title="lianyun API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/", petitions_router)
api.add_router("/", ledger_router)
api.add_router("/", inquiries_router)
api.add_router("/", statistics_router)


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Input that does not fit the schema is a 400 in the same shape as every other error."""
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        field = ".".join(str(part) for part in item.get("loc", [])[1:]) or "__all__"
        errors.setdefault(field, []).append(str(item.get("msg", "")))
    detail = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)
