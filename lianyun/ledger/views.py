import functools
import re
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core import pow
from lianyun.core.filestore import download_response
from lianyun.core.limits import client_address
from lianyun.core.once import once
from lianyun.core.pagecache import anonymous_page, from_shell
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.spreadsheet import download, xlsx
from lianyun.core.views import post_form
from lianyun.ledger.access import (
    VERIFIED,
    access_board_publisher,
    access_board_village,
    access_payout_importer,
    access_upload,
    access_waiting_upload,
    own_mapping,
    start_code_challenge,
    verified_cookie,
    verified_index,
    verify_code,
    verify_lookup,
    visible_mappings,
    visible_uploads,
)
from lianyun.ledger.actions import (
    drop_waiting,
    error_report,
    forget_mapping,
    name_columns,
    publish_board,
    publish_dibao,
    queue_lookup_code,
    receive_upload,
    record_lookup,
)
from lianyun.ledger.forms import CodeForm, ColumnMappingForm, LookupForm, PayoutUploadForm
from lianyun.ledger.layout import guess_columns
from lianyun.ledger.models import PayoutStatus, PayoutUpload
from lianyun.ledger.queries import (
    RANGES,
    Board,
    StatementLine,
    board_items,
    board_version,
    dibao_list,
    dibao_subject,
    paying_departments,
    period_range,
    statement,
    village_board,
)
from lianyun.people.models import Resident
from lianyun.policies.queries import item_by_code
from lianyun.publications.queries import latest_checkpoint, published_entry
from lianyun.regions.models import Region

DEFAULT_RANGE = "last_month"
RANGE_LABELS = {
    "this_month": gettext_lazy("this month"),
    "last_month": gettext_lazy("last month"),
    "last_quarter": gettext_lazy("last quarter"),
    "this_year": gettext_lazy("this year"),
    "last_year": gettext_lazy("last year"),
}


@functools.lru_cache(maxsize=32)
def _blank_lookup_fields(language: str, year: int | None, this_year: int) -> str:
    form = LookupForm(initial={"year": year} if year else None)
    return render_to_string("form_fields.html", {"form": form})


def _blank_fields(year: int | None) -> str:
    return _blank_lookup_fields(get_language(), year, timezone.localdate().year)


def _lookup_fields(form: LookupForm) -> str:
    """The lookup form's fields. Unfilled, they are the same for everyone in a language and year
    (the year list moves on 1 January), so each server renders them once; a form sent back with
    errors is rendered each time."""
    if form.is_bound:
        return render_to_string("form_fields.html", {"form": form})
    return _blank_fields(form.initial.get("year"))


ROWS_MARK = "__lianyun_statement_rows__"
TOTAL_MARK = "__lianyun_statement_total__"
STATEMENT_ROW = (
    '<tr><td>{}<br><small>{}{}</small></td><td>{}</td><td class="num">{}</td><td>{}</td>'
    "<td>{}{}</td>"
    '<td><a href="{}" data-test="dispute">{}</a></td>'
    "</tr>"
)


def _statement_rows(lines: list[StatementLine]) -> str:
    """The statement's rows. Built here in one pass, not by a template loop: the loop over a
    year's lines cost more than the rest of the page together (bench/lookup.py), and the
    lookup is the page a whole county asks at once. Every value is escaped with the standard
    library's html.escape (what Django's escape does, without its lazy-string wrapping)."""
    account_ending = escape(_("account ending"))
    this_is_wrong = escape(_("This is wrong"))
    # One reverse() for the page, not one per line (each costs as much as a line's HTML): the
    # lines' dispute addresses differ only in the payout's number.
    head, _zero, tail = reverse("petitions:payout-dispute", args=[0]).rpartition("/0/")
    rows = [
        STATEMENT_ROW.format(
            escape(line.item),
            escape(line.department),
            f" · {account_ending} {escape(line.account_last4)}" if line.account_last4 else "",
            escape(line.period),
            escape(line.amount_text),
            escape(line.paid_on_text),
            escape(line.status_label),
            f"<br><small>{escape(line.failure_reason)}</small>" if line.failure_reason else "",
            escape(f"{head}/{line.payout_id}/{tail}"),
            this_is_wrong,
        )
        for line in lines
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def _see_other(url: str) -> HttpResponse:
    """303: the browser fetches the answer with GET, so reload and back never send again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _proved(resident: Resident, year: int) -> HttpResponse:
    """The person is proved: the browser keeps the proof and is sent to the statement."""
    response = _see_other(reverse("ledger:payout-statement", args=[year]))
    response.set_cookie(
        VERIFIED,
        verified_cookie(resident),
        max_age=settings.LIANYUN_LOOKUP_MINUTES * 60,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _lookup_page(
    request: HttpRequest, form: LookupForm | None, *, year: int | None = None, failed: bool = False
) -> HttpResponse:
    """The lookup form. Blank (form None), it is the same for everyone in a language and year
    and comes from a shell; sent back with errors, it holds what the person typed and is
    rendered for them alone."""
    fields = _lookup_fields(form) if form is not None else _blank_fields(year)

    def page() -> HttpResponse:
        return render(
            request, "ledger/payout_lookup.html", {"form_fields": fields, "failed": failed}
        )

    if form is not None:
        return page()
    key = ("payout-lookup", timezone.localdate().year, year, failed)
    return from_shell(request, key, page, {}) or page()


@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """A villager's own payouts. The ID number travels only in the POST body.

    Second factor: the social-security card number (here), or a code texted to the phone on
    file (lookup_text). A proved browser is sent on to the statement (post/redirect/get), so a
    reload or the back button shows the statement again and never sends the ID number twice.
    """
    if request.method != "POST":
        return _lookup_page(request, None)
    form = LookupForm(request.POST)
    if not form.is_valid() or not pow.check(request, "lookup", form):
        return _lookup_page(request, form)
    data = form.cleaned_data
    resident = verify_lookup(
        name=data["name"],
        id_number=data["id_number"],
        card_number=data["card_number"],
        client=client_address(request),
    )
    record_lookup(resident=resident)
    if resident is None:
        pow.failed(request)  # the next lookup from here costs more
        return _lookup_page(request, None, year=data["year"], failed=True)
    return _proved(resident, data["year"])


@never_cache
@require_POST
def lookup_text(request: HttpRequest) -> HttpResponse:
    """The lookup's second button, for a villager without their card at hand: a code is texted
    to the phone on file, and the next page asks for it."""
    form = LookupForm(request.POST, by_code=True)
    if not form.is_valid() or not pow.check(request, "lookup", form):
        return _lookup_page(request, form)
    data = form.cleaned_data
    found, code = start_code_challenge(
        request.session,
        name=data["name"],
        id_number=data["id_number"],
        client=client_address(request),
    )
    queue_lookup_code(found, code)
    return _see_other(f"{reverse('ledger:payout-code')}?year={data['year']}")


@never_cache
def lookup_code(request: HttpRequest) -> HttpResponse:
    """The second step by text: the code that was sent to the phone on file."""
    failed = False
    if request.method == "POST":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            resident = verify_code(request.session, code_form.cleaned_data["code"])
            year = code_form.cleaned_data["year"]
            record_lookup(resident=resident)
            if resident is not None:
                return _proved(resident, year)
            failed = True
            code_form = CodeForm(initial={"year": year})
    else:
        year_form = CodeForm(request.GET)
        year_form.is_valid()
        code_form = CodeForm(initial={"year": year_form.cleaned_data.get("year")})
    return render(request, "ledger/payout_code.html", {"code_form": code_form, "failed": failed})


def _keep_offline(request: HttpRequest) -> bool:
    """A signed-in villager's own phone may keep their last statements for reading offline."""
    user = request.user
    return bool(user.is_authenticated and not getattr(user, "is_official", True))


@never_cache
def payout_statement(request: HttpRequest, year: int) -> HttpResponse:
    """The statement of a browser that proved the person within the last minutes. Without the
    proof (another browser, or the minutes passed) it asks for the details again."""
    this_year = timezone.localdate().year
    if not this_year - 5 <= year <= this_year:
        raise Http404
    index = verified_index(request.COOKIES)
    if index is None:
        messages.info(request, _("To see your payouts, enter your details again."))
        return redirect("ledger:payout-lookup")
    result = statement(index, year)
    rows = _statement_rows(result.lines)
    years = range(this_year, this_year - 6, -1)
    keep = _keep_offline(request)

    def page(shown: object, rows: str) -> HttpResponse:
        context = {"result": shown, "rows": rows, "years": years, "keep_offline": keep}
        return render(request, "ledger/payout_statement.html", context)

    response = from_shell(
        request,
        ("payout-statement", this_year, year, bool(rows)),
        lambda: page({"year": year, "total": TOTAL_MARK}, rows and ROWS_MARK),
        {ROWS_MARK: rows, TOTAL_MARK: escape(str(result.total))},
    ) or page(result, rows)
    if keep:
        # The service worker keeps this copy apart from the public pages and drops it at
        # sign-out (static/js/sw.js).
        response["X-Lianyun-Keep"] = "personal"
    return response


def _board_args(request: HttpRequest) -> tuple[str, str, str, int | None, int | None]:
    """(range name, first period, last period, item, department) from the query string."""
    name = request.GET.get("range", DEFAULT_RANGE)
    name = name if name in RANGES else DEFAULT_RANGE
    first, last = period_range(name, timezone.localdate())
    item = request.GET.get("item", "")
    department = request.GET.get("department", "")
    return (
        name,
        first,
        last,
        row_id(item),
        row_id(department),
    )


def _board(request: HttpRequest, village: Region) -> Board:
    _name, first, last, item_id, department_id = _board_args(request)
    return village_board(village, first, last, item_id=item_id, department_id=department_id)


LINES_PER_PAGE = 100


BOARD_PARAMS = ("range", "item", "department", "page")


def board(request: HttpRequest, code: str) -> HttpResponse:
    """The public board. Visitors without an account get the whole page from the cache until
    a batch completes or the publication record grows (one small query when nothing is new);
    its body is cached the same way for officials, whose page adds the publish button."""
    name, first, last, item_id, department_id = _board_args(request)
    page_number = request.GET.get("page", "1")
    batches, checkpoint_size = board_version()
    version = (code, first, last, item_id, department_id, page_number[:6], batches, checkpoint_size)

    def render_board() -> HttpResponse:
        village = access_board_village(code)
        current: Board = SimpleLazyObject(  # type: ignore[assignment]
            lambda: village_board(
                village, first, last, item_id=item_id, department_id=department_id
            )
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "ledger/board_detail.html",
            {
                "village": village,
                "first": first,
                "last": last,
                "board": current,
                "lines": SimpleLazyObject(
                    lambda: Paginator(current.lines, LINES_PER_PAGE).get_page(page_number)
                ),
                "query": query.urlencode(),
                "range": name,
                "ranges": [(key, RANGE_LABELS[key]) for key in RANGES],
                "items": SimpleLazyObject(board_items),
                "departments": SimpleLazyObject(paying_departments),
                "published": SimpleLazyObject(lambda: published_entry(f"{code}:{first}:{last}")),
                "checkpoint": latest_checkpoint(),
                "cache_key": ":".join(str(part) for part in version),
            },
        )

    return anonymous_page(request, version, BOARD_PARAMS, render_board)


def _board_url(village: Region, request: HttpRequest) -> str:
    """The board's address with the choices the page understood, and nothing else: what a
    printed QR code carries stays short whatever the query string held."""
    name, _first, _last, item_id, department_id = _board_args(request)
    chosen = {
        "range": name if name != DEFAULT_RANGE else None,
        "item": item_id,
        "department": department_id,
    }
    query = urlencode({key: value for key, value in chosen.items() if value is not None})
    return reverse("ledger:board-detail", args=[village.code]) + (f"?{query}" if query else "")


def board_print(request: HttpRequest, code: str) -> HttpResponse:
    """The A4 notice for the village notice board, with a QR code back to the page."""
    village = access_board_village(code)
    current = _board(request, village)
    url = public_url(request, _board_url(village, request))
    return render(
        request,
        "ledger/board_print.html",
        {
            "board": current,
            "qr": qr_svg(url),
            "qr_url": url,
            "back": _board_url(village, request),
            "entry": published_entry(f"{village.code}:{current.first}:{current.last}"),
            "checkpoint": latest_checkpoint(),
        },
    )


def board_export(request: HttpRequest, code: str) -> HttpResponse:
    """The board as an Excel file: masked names, amounts as numbers, no formulas."""
    village = access_board_village(code)
    current = _board(request, village)
    checkpoint = latest_checkpoint()
    data = xlsx(
        f"{village.parent.name if village.parent else ''}{village.name} "
        f"{current.first}–{current.last}",
        [
            _("Name"),
            _("Item"),
            _("Department"),
            _("Period"),
            _("Amount"),
            _("Paid on"),
            _("Status"),
        ],
        (
            [
                line.name,
                line.item,
                line.department,
                line.period,
                line.amount,
                line.paid_on.isoformat() if line.paid_on else "",
                PayoutStatus(line.status).label,
            ]
            for line in current.lines
        ),
        footer=[
            f"{_('Publication checkpoint')}: {checkpoint.size} {checkpoint.root}"
            if checkpoint
            else "",
            public_url(request, _board_url(village, request)),
        ],
    )
    return download(data, f"board-{village.code}-{current.first}-{current.last}.xlsx")


@login_required
@require_POST
def board_publish(request: SignedInRequest, code: str) -> HttpResponse:
    village = access_board_publisher(request.user, code)
    # The record holds the whole board for the periods, whatever the page was filtered by.
    _name, first, last, _item, _department = _board_args(request)
    entry, new = publish_board(board=village_board(village, first, last), actor=request.user)
    _say_published(request, entry.index, new)
    return redirect(
        reverse("ledger:board-detail", args=[village.code]) + "?" + request.GET.urlencode()
    )


def _dibao_period(request: HttpRequest) -> str:
    first, _last = period_range("last_month", timezone.localdate())
    period = request.GET.get("period", first)
    return period if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period) else first


def dibao(request: HttpRequest, code: str) -> HttpResponse:
    village = access_board_village(code)
    period = _dibao_period(request)
    return render(
        request,
        "ledger/dibao_list.html",
        {
            "village": village,
            "period": period,
            "lines": dibao_list(village, period),
            "published": published_entry(dibao_subject(village, period)),
            "checkpoint": latest_checkpoint(),
        },
    )


def dibao_print(request: HttpRequest, code: str) -> HttpResponse:
    """The 低保 list as an A4 notice, with a QR code back to the page."""
    village = access_board_village(code)
    period = _dibao_period(request)
    path = reverse("ledger:dibao-list", args=[village.code]) + f"?period={period}"
    url = public_url(request, path)
    return render(
        request,
        "ledger/dibao_print.html",
        {
            "village": village,
            "period": period,
            "lines": dibao_list(village, period),
            "qr": qr_svg(url),
            "qr_url": url,
            "back": path,
            "entry": published_entry(dibao_subject(village, period)),
            "checkpoint": latest_checkpoint(),
        },
    )


@login_required
@require_POST
def dibao_publish(request: SignedInRequest, code: str) -> HttpResponse:
    village = access_board_publisher(request.user, code)
    period = _dibao_period(request)
    entry, new = publish_dibao(village=village, period=period, actor=request.user)
    _say_published(request, entry.index, new)
    return redirect(reverse("ledger:dibao-list", args=[village.code]) + f"?period={period}")


def _say_published(request: HttpRequest, index: int, new: bool) -> None:
    if new:
        messages.success(
            request, _("Published as entry %(index)d of the publication record.") % {"index": index}
        )
    else:
        messages.info(
            request,
            _("This is already published, unchanged, as entry %(index)d.") % {"index": index},
        )


def board_pick(request: HttpRequest) -> HttpResponse:
    """The village picker on the policies page leads here."""
    village = access_board_village(request.GET.get("village", ""))
    url = reverse("ledger:board-detail", args=[village.code])
    item = item_by_code(request.GET.get("item", ""))
    if item is not None:  # from a policy's page: that item only, this year
        url += "?" + urlencode({"item": item.pk, "range": "this_year"})
    return redirect(url)


# --- payout files handed over by departments -----------------------------------------------


@login_required
@once
def uploads(request: SignedInRequest) -> HttpResponse:
    """A department hands over a payout file; the task queue imports it."""
    access_payout_importer(request.user)
    form = PayoutUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        handed = form.cleaned_data["file"]
        upload, _new = receive_upload(
            user=request.user,
            data=handed,
            label=handed.name or "",
            source="upload",
            accept_valid=form.cleaned_data["accept_valid"],
            notify=form.cleaned_data["notify"],
        )
        return redirect("ledger:upload-detail", public_id=upload.public_id)
    return render(
        request,
        "ledger/upload_list.html",
        {
            "form": form,
            "uploads": visible_uploads(request.user)[:50],
            "mappings": visible_mappings(request.user),
        },
    )


@login_required
@never_cache
def upload_detail(request: SignedInRequest, public_id: str) -> HttpResponse:
    upload = access_upload(request.user, public_id)
    return render(request, "ledger/upload_detail.html", {"upload": upload})


@login_required
@once
def upload_columns(request: SignedInRequest, public_id: str) -> HttpResponse:
    """A file whose header matches nothing known: its columns beside the fields we need, with
    our guesses filled in. Named once, the mapping is kept for the department's next files."""
    upload = access_waiting_upload(request.user, public_id)
    header = list(upload.columns_seen)
    form = ColumnMappingForm(
        header,
        guess_columns(header),
        request.POST or None,
        initial={"mapping_name": default_mapping_name(upload)},
    )
    detail = reverse("ledger:upload-detail", args=[upload.public_id])
    if request.method != "POST":
        return _columns_page(request, upload, form)
    return post_form(
        form,
        lambda data: name_columns(
            actor=request.user, upload=upload, name=data["mapping_name"], columns=data["columns"]
        ),
        done=detail,
        again=lambda refused: _columns_page(request, upload, form),
    )


def default_mapping_name(upload: PayoutUpload) -> str:
    """What the page suggests calling a new layout: the file's name without its extension."""
    return (upload.label.rsplit(".", 1)[0] or upload.label)[:60] or "花名册"


def _columns_page(
    request: SignedInRequest, upload: PayoutUpload, form: ColumnMappingForm
) -> HttpResponse:
    return render(request, "ledger/upload_columns.html", {"upload": upload, "form": form})


@login_required
@require_POST
def upload_drop(request: SignedInRequest, public_id: str) -> HttpResponse:
    upload = access_upload(request.user, public_id)
    drop_waiting(actor=request.user, upload=upload)
    return redirect("ledger:upload-detail", public_id=upload.public_id)


@login_required
@require_POST
def mapping_forget(request: SignedInRequest, pk: int) -> HttpResponse:
    """A department deletes one of its column mappings (a second tap finds it gone)."""
    mapping = own_mapping(request.user, pk)
    if mapping is not None:
        forget_mapping(actor=request.user, mapping=mapping)
    return redirect("ledger:upload-list")


@login_required
def upload_errors(request: SignedInRequest, public_id: str) -> HttpResponse:
    upload = access_upload(request.user, public_id)
    report = error_report(upload)
    if report is None:
        raise Http404
    return download_response(report, f"errors-{upload.public_id}.csv")
