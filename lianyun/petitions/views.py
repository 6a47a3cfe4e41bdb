"""Petition pages: the villager's (file, receipt, follow) and the handler's (queue, case)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest, account_of
from lianyun.cases.actions import confirm_rectification
from lianyun.cases.forms import ConfirmForm, RectificationForm
from lianyun.core import audit, pow
from lianyun.core.filestore import send_file
from lianyun.core.limits import client_address
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.roles import Role
from lianyun.core.views import post_form, told_on
from lianyun.people.models import Resident
from lianyun.petitions import actions, queries
from lianyun.petitions.access import (
    access_identity_request,
    access_own_payout,
    access_own_petition,
    access_petition,
    access_tracked_rectification,
    drop_receipt,
    held_receipt,
    hold_receipt,
    open_for_receipt,
    own_petitions,
    petition_by_receipt,
    remember_tracked,
    require_custodian,
    require_handler,
    tracked_petition,
    visible_petitions,
)
from lianyun.petitions.forms import (
    AnswerForm,
    ExtendForm,
    ForwardForm,
    MessageForm,
    PetitionForm,
    RateForm,
    ReasonForm,
    ReceiptForm,
    SubjectForm,
)
from lianyun.petitions.models import (
    Petition,
    PetitionKind,
    PetitionStatus,
)
from lianyun.petitions.queries import (
    colleagues,
    deadline_of,
    light,
    monthly_statistics,
    public_events,
    subject_choices,
)
from lianyun.regions.models import Region, Unit, UnitKind
from lianyun.regions.queries import towns

# --- the villager's side ---------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("region", "")
    if len(code) == 12 and code.isascii() and code.isdigit():
        return redirect("petitions:petition-create", code=code)
    return render(
        request,
        "petitions/petition_start.html",
        {"towns": towns(), "villages": queries.villages_to_petition()},
    )


def _subject_options(region: Region) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    choices = subject_choices(region)
    lookup: dict[str, Any] = {}
    units = []
    for unit in choices.units:
        lookup[f"unit:{unit.pk}"] = unit
        units.append((f"unit:{unit.pk}", unit.name))
    people = []
    for person, titles in choices.cadres:
        lookup[f"person:{person.pk}"] = person
        people.append((f"person:{person.pk}", f"{person.name}（{titles}）"))
    return [(_("Units"), units), (pgettext("people", "Officials"), people)], lookup


@never_cache
@once
def create(request: HttpRequest, code: str) -> HttpResponse:
    region = queries.petition_place(code)
    if region is None:
        raise Http404
    options, lookup = _subject_options(region)

    def page(form: Form) -> HttpResponse:
        open_for_receipt(request.session)
        return render(
            request,
            "petitions/petition_form.html",
            {"form": form, "region": region},
        )

    def submit(data: dict[str, Any]) -> actions.Submitted:
        if not request.user.is_authenticated:
            pow.require(request, "petition")
        subject = lookup.get(data["subject"])
        return actions.submit_petition(
            kind=data["kind"],
            region=region,
            description=data["description"],
            anonymous=data["anonymous"],
            subject_unit=subject if isinstance(subject, Unit) else None,
            subject_person=subject if isinstance(subject, Resident) else None,
            subject_text=data["subject_text"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_id_number=data["reporter_id_number"],
            account=account_of(request),
            earlier_receipt=data["earlier_receipt"],
            files=data["attachments"],
        )

    if request.method != "POST":
        return page(PetitionForm(subject_choices=options))
    return post_form(
        PetitionForm(request.POST, request.FILES, subject_choices=options),
        submit,
        done=_receipt_shown(request),
        again=page,
    )


def _receipt_shown(request: HttpRequest) -> Callable[[actions.Submitted], str]:
    """Where a filed petition goes: its receipt, held in the session for the receipt page."""

    def shown(submitted: actions.Submitted) -> str:
        hold_receipt(request.session, submitted.petition, submitted.receipt.text)
        return reverse("petitions:petition-receipt")

    return shown


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The new receipt, after post/redirect/get: a reload shows it again on this phone until
    the villager moves on to follow the petition (or a quarter of an hour passes)."""
    held = held_receipt(request.session)
    if held is None:
        return redirect("petitions:petition-tracked")
    petition, text = held
    return render(
        request, "petitions/petition_receipt.html", {"petition": petition, "receipt": text}
    )


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and pow.check(request, "track", form):
        # No session is written before a receipt opens a petition.
        petition = petition_by_receipt(form.cleaned_data["receipt"], client=client_address(request))
        if petition is not None:
            remember_tracked(request.session, petition)
            return redirect("petitions:petition-tracked")
        pow.failed(request)  # the next check from here costs more
        form.add_error(
            "receipt",
            _(
                "No petition matches this receipt, or too many tries were made; "
                "check it and try again later."
            ),
        )
    return render(request, "petitions/petition_track.html", {"form": form})


def _tracked_page(request: HttpRequest, petition: Petition, **forms: Form) -> HttpResponse:
    """The petitioner's page of their petition: its record, and the forms that answer it."""
    drop_receipt(request.session)  # moved on from the receipt: it is not shown again
    return render(
        request,
        "petitions/petition_tracked.html",
        {
            "petition": petition,
            "description": actions.read_description(petition),
            "deadline": deadline_of(petition),
            "events": public_events(petition),
            "messages_list": [
                (m, actions.read_message(m)) for m in queries.petition_messages(petition)
            ],
            "message_form": forms.get("message_form") or MessageForm(),
            "rate_form": forms.get("rate_form") or RateForm(),
            "appeal_form": forms.get("appeal_form") or ReasonForm(),
            "can_appeal": petition.status
            in (PetitionStatus.ANSWERED, PetitionStatus.REVIEW_ANSWERED),
            "can_rate": petition.answered_on is not None and petition.satisfied is None,
            "rectifications": actions.rectifications_of(petition),
            "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        },
    )


@never_cache
def tracked(request: HttpRequest) -> HttpResponse:
    petition = tracked_petition(request.session)
    if petition is None:
        return redirect("petitions:petition-track")
    return _tracked_page(request, petition)


def _tracked_post(
    request: HttpRequest, form: Form, name: str, run: Callable[[Petition, dict[str, Any]], object]
) -> HttpResponse:
    """A petitioner's answer on their petition's page (a message, a rating, an appeal)."""
    petition = tracked_petition(request.session)
    if petition is None:
        return redirect("petitions:petition-track")
    return post_form(
        form,
        lambda d: run(petition, d),
        done=reverse("petitions:petition-tracked"),
        again=lambda refused: _tracked_page(request, petition, **{name: refused}),
    )


@require_POST
@never_cache
@once
def tracked_message(request: HttpRequest) -> HttpResponse:
    return _tracked_post(
        request,
        MessageForm(request.POST),
        "message_form",
        lambda p, d: actions.post_message(petition=p, body=d["body"], from_petitioner=True),
    )


@require_POST
@never_cache
@once
def tracked_rate(request: HttpRequest) -> HttpResponse:
    return _tracked_post(
        request,
        RateForm(request.POST),
        "rate_form",
        lambda p, d: actions.rate_petition(petition=p, satisfied=d["satisfied"]),
    )


@require_POST
@never_cache
@once
def tracked_appeal(request: HttpRequest) -> HttpResponse:
    return _tracked_post(
        request,
        ReasonForm(request.POST),
        "appeal_form",
        lambda p, d: actions.appeal_petition(petition=p, reason=d["reason"]),
    )


@require_POST
@never_cache
@once
def tracked_confirm(request: HttpRequest, item_id: int) -> HttpResponse:
    """The petitioner says whether a promised rectification was done."""
    item = access_tracked_rectification(request.session, item_id)
    return _tracked_post(
        request,
        ConfirmForm(request.POST),
        "confirm_form",
        lambda _p, d: confirm_rectification(item=item, satisfied=d["satisfied"], actor=None),
    )


@login_required
@never_cache
def mine(request: SignedInRequest) -> HttpResponse:
    """A villager with an account follows their named petitions without the receipt."""
    if request.method == "POST":
        petition = access_own_petition(request.user, int(request.POST.get("petition", 0) or 0))
        remember_tracked(request.session, petition)
        return redirect("petitions:petition-tracked")
    petitions = queries.own_listed(own_petitions(request.user))
    return render(request, "petitions/petition_mine.html", {"petitions": petitions})


@never_cache
@once
def dispute(request: HttpRequest, payout_id: int) -> HttpResponse:
    """From the payout lookup: say why a payout is wrong; it is filed as a petition."""
    payout = access_own_payout(request.COOKIES, payout_id)
    account = account_of(request)
    villager = account if account is not None and account.role == Role.VILLAGER else None

    def page(form: Form) -> HttpResponse:
        open_for_receipt(request.session)
        return render(
            request,
            "petitions/payout_dispute.html",
            {"payout": payout, "form": form},
        )

    if "reason" not in request.POST:  # from the statement's button: the form, not yet filled
        return page(ReasonForm())
    return post_form(
        ReasonForm(request.POST),
        lambda d: actions.dispute_payout(payout=payout, reason=d["reason"], account=villager),
        done=_receipt_shown(request),
        again=page,
    )


# --- the handler's side ----------------------------------------------------------------------


@login_required
@never_cache
def queue(request: SignedInRequest) -> HttpResponse:
    require_handler(request.user)
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    shown = queries.queue_of(
        visible_petitions(request.user),
        status=status if status == "open" or status in PetitionStatus.values else "",
        kind=kind if kind in PetitionKind.values else "",
        light=request.GET.get("light", ""),
        assignee=request.user if request.GET.get("mine") else None,
        today=timezone.localdate(),
    )
    rows = [(p, light(p)) for p in shown]
    return render(
        request,
        "petitions/petition_list.html",
        {
            "rows": rows,
            "status": status,
            "kind": kind,
            "statuses": PetitionStatus.choices,
            "kinds": PetitionKind.choices,
            "colleagues": colleagues(request.user),
            "light": request.GET.get("light", ""),
        },
    )


def _forward_units(petition: Petition) -> list[tuple[str, str]]:
    units = queries.commissions_besides(petition.handling_unit_id)
    return [(str(unit.pk), unit.name) for unit in units]


@login_required
@never_cache
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    return _detail_page(request, petition)


def _detail_page(request: SignedInRequest, petition: Petition, **forms: Form) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - behind access_petition
    audit.record(
        action="read:petition",
        actor=request.user,
        object_type="petitions.Petition",
        object_id=petition.pk,
    )
    context: dict[str, Any] = {
        "petition": petition,
        "deadline": deadline_of(petition),
        "light": light(petition),
        "description": actions.read_description(petition),
        "events": queries.petition_events(petition),
        "messages_list": [
            (m, actions.read_message(m)) for m in queries.petition_messages(petition)
        ],
        "answer_form": AnswerForm(),
        "extend_form": ExtendForm(),
        "reason_form": ReasonForm(),
        "message_form": MessageForm(),
        "forward_form": ForwardForm(units=_forward_units(petition)),
        "identity_form": ReasonForm(),
        "identity_approved": queries.identity_approved(petition, user),
        "repeats": queries.repeat_count(petition),
        "rectifications": actions.rectifications_of(petition),
        "rectification_form": RectificationForm(units=_owner_units(petition)),
        "subject_form": SubjectForm(people=_named_people(petition)),
        "named_units": queries.named_units(petition),
    }
    context.update(forms)
    return render(
        request,
        "petitions/petition_detail.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


def _named_people(petition: Petition) -> list[tuple[str, str]]:
    """The people the petition's text names, by name as the subject is on this page."""
    return [(str(person.pk), person.name) for person in queries.named_people(petition)]


@login_required
@require_POST
def confirm_subject(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    form = SubjectForm(request.POST, people=_named_people(petition))

    def run(data: dict[str, Any]) -> None:
        chosen = row_id(data["person"])
        person = next((p for p in queries.named_people(petition) if p.pk == chosen), None)
        actions.confirm_subject(petition=petition, person=person, actor=request.user)

    return post_form(
        form,
        run,
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, subject_form=form),
    )


def _owner_units(petition: Petition) -> list[tuple[str, str]]:
    """The units that may own the item, nearest first: the petition's own village (or town),
    then its town, then the county's departments. The first is the form's default, so a
    villager never sees a county bureau named responsible by accident."""
    places = [petition.region, *([petition.region.parent] if petition.region.parent else [])]
    nearness = {place.pk: n for n, place in enumerate(places)}
    ordered = sorted(
        queries.units_near(places),
        key=lambda u: (
            nearness.get(u.region_id, len(places)),
            u.kind != UnitKind.VILLAGE_COMMITTEE,
            u.name,
        ),
    )
    return [(str(unit.pk), unit.name) for unit in ordered]


@login_required
@require_POST
@once
def rectify(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)

    def run(d: dict[str, Any]) -> None:
        unit = queries.unit_of(row_id(d["owner_unit"]))
        if unit is None:
            raise Http404
        actions.register_petition_rectification(
            petition=petition,
            title=d["title"],
            owner_unit=unit,
            responsible=d["responsible"],
            deadline=d["deadline"],
            measures=d["measures"],
            actor=request.user,
        )

    return post_form(
        RectificationForm(request.POST, units=_owner_units(petition)),
        run,
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, rectification_form=form),
    )


@login_required
@require_POST
def assign(request: SignedInRequest) -> HttpResponse:
    """Bulk assignment from the queue."""
    require_handler(request.user)
    ids = [key for key in map(row_id, request.POST.getlist("petition")) if key is not None]
    petitions = queries.assignable(visible_petitions(request.user), ids)
    assignee = queries.colleague(request.user, row_id(request.POST.get("assignee")))
    queue = reverse("petitions:petition-list")

    def assign_them(_d: dict[str, Any]) -> int:
        if assignee is None or not petitions:
            raise ValidationError(_("Choose petitions and a colleague."))
        return actions.assign_petitions(petitions=petitions, assignee=assignee, actor=request.user)

    def assigned(count: int) -> str:
        messages.success(
            request,
            _("%(count)d petitions assigned to %(name)s.") % {"count": count, "name": assignee},
        )
        return queue

    return post_form(Form(request.POST), assign_them, done=assigned, again=told_on(request, queue))


def statistics(request: HttpRequest) -> HttpResponse:
    rows = monthly_statistics()
    return render(
        request,
        "petitions/petition_statistics.html",
        {"rows": rows, "max_received": max((r.received for r in rows), default=0)},
    )


@login_required
@never_cache
def attachment(request: SignedInRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Never inline: always a download, sniffing off, sandboxed, and logged."""
    petition = access_petition(request.user, pk)
    item = queries.attachment_of(petition, attachment_id)
    if item is None:
        raise Http404
    return send_file(
        item, actor=request.user, filename=f"{petition.number}-{item.pk}.{item.extension}"
    )


@login_required
@require_POST
@once
def accept(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        Form(request.POST),
        lambda d: actions.accept_petition(petition=petition, actor=request.user),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, reason_form=form),
    )


@login_required
@require_POST
@once
def refuse(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        ReasonForm(request.POST),
        lambda d: actions.refuse_petition(
            petition=petition, reason=d["reason"], actor=request.user
        ),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, reason_form=form),
    )


@login_required
@require_POST
@once
def forward(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    form = ForwardForm(request.POST, units=_forward_units(petition))

    def run(d: dict[str, Any]) -> None:
        unit = queries.unit_of(row_id(d["to_unit"]), UnitKind.COMMISSION)
        if unit is None:
            raise Http404
        actions.forward_petition(
            petition=petition, to_unit=unit, reason=d["reason"], actor=request.user
        )

    return post_form(
        form,
        run,
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, forward_form=form),
    )


@login_required
@require_POST
@once
def extend(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        ExtendForm(request.POST),
        lambda d: actions.extend_petition(
            petition=petition, days=d["days"], reason=d["reason"], actor=request.user
        ),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, extend_form=form),
    )


@login_required
@require_POST
@once
def answer(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        AnswerForm(request.POST),
        lambda d: actions.answer_petition(
            petition=petition, decision=d["decision"], answer=d["answer"], actor=request.user
        ),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, answer_form=form),
    )


@login_required
@require_POST
@once
def message(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        MessageForm(request.POST),
        lambda d: actions.post_message(
            petition=petition, body=d["body"], from_petitioner=False, author=request.user
        ),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, message_form=form),
    )


@login_required
@require_POST
@once
def identity_request(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    return post_form(
        ReasonForm(request.POST),
        lambda d: actions.request_identity(
            petition=petition, actor=request.user, reason=d["reason"]
        ),
        done=reverse("petitions:petition-detail", args=[petition.pk]),
        again=lambda form: _detail_page(request, petition, identity_form=form),
    )


@login_required
@require_POST
@never_cache
def identity(request: SignedInRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    try:
        revealed = actions.reveal_reporter(petition=petition, actor=request.user)
    except ValidationError as error:
        # The handler may see the petition, only not yet its petitioner: say so plainly.
        return render(
            request,
            "petitions/petition_identity.html",
            {"petition": petition, "refused": error.messages[0]},
            status=403,
        )
    return render(
        request, "petitions/petition_identity.html", {"petition": petition, "identity": revealed}
    )


@login_required
@never_cache
def identity_requests(request: SignedInRequest) -> HttpResponse:
    require_custodian(request.user)
    pending = queries.pending_identity_requests(visible_petitions(request.user))
    return render(request, "petitions/identityrequest_list.html", {"requests": pending})


@login_required
@require_POST
def identity_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    identity_request_ = access_identity_request(request.user, pk)
    actions.decide_identity_request(
        request=identity_request_, approve=request.POST.get("approve") == "1", actor=request.user
    )
    return redirect(reverse("petitions:identityrequest-list"))
