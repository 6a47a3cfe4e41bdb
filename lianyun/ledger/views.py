from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lianyun.ledger.access import remember_verified, verify_lookup
from lianyun.ledger.actions import record_lookup
from lianyun.ledger.forms import LookupForm
from lianyun.ledger.queries import statement


@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """A villager's own payouts. The ID number travels only in the POST body."""
    form = LookupForm(request.POST or None)
    result = None
    failed = False
    if request.method == "POST" and form.is_valid():
        if not request.session.session_key:
            request.session.save()
        data = form.cleaned_data
        resident = verify_lookup(
            name=data["name"],
            id_number=data["id_number"],
            card_number=data["card_number"],
            session_key=request.session.session_key or "",
        )
        record_lookup(resident=resident)
        if resident is None:
            failed = True
        else:
            remember_verified(request.session, resident)
            result = statement(resident.id_number_index, data["year"])
        form = LookupForm(initial={"year": data["year"]})
    return render(
        request, "ledger/payout_lookup.html", {"form": form, "result": result, "failed": failed}
    )
