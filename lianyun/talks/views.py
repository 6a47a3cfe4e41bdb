"""云端话廉 pages: an official's talks (register, watch or listen, ask, attendance counted while
the page is open), the organisers' talk builder, attendance, moderation and minutes; reminder
talks; and an official's integrity record for the commission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.access import visitor
from lianyun.core.filestore import inline_response
from lianyun.core.once import once
from lianyun.core.views import add_errors
from lianyun.learning.actions import check_media
from lianyun.talks import actions, queries
from lianyun.talks.access import (
    may_organise,
    official_for,
    officials_in_scope,
    organised_question,
    organised_talk,
    public_talks,
    reminder_for,
    require_organiser,
    seen_talk,
    talk_for,
    visible_reminders,
)
from lianyun.talks.forms import MinutesForm, ModerateForm, QuestionForm, ReminderForm, TalkForm
from lianyun.talks.models import Attendance, QuestionStatus, Recording, Registration, Talk


def _by_time(talks: list[Talk]) -> dict[str, list[Talk]]:
    now = timezone.now()
    return {
        "upcoming": [t for t in talks if actions.ends_at(t) >= now],
        "past": [t for t in talks if actions.ends_at(t) < now][:30],
    }


def talk_list(request: HttpRequest) -> HttpResponse:
    """Officials see the talks meant for them; anyone else the public lectures."""
    user = request.user
    if not getattr(user, "is_official", False):
        return render(request, "talks/public_list.html", _by_time(list(public_talks())))
    talks = [
        t
        for t in Talk.objects.prefetch_related("regions")
        if actions.in_audience(t, user) or may_organise(user, t)  # type: ignore[arg-type]
    ]
    attended = set(
        Attendance.objects.filter(user=user, attended_at__isnull=False).values_list(  # type: ignore[misc]
            "talk_id", flat=True
        )
    )
    reminders = visible_reminders(user).filter(official=user, acknowledged_at__isnull=True)  # type: ignore[arg-type,misc]
    return render(
        request,
        "talks/talk_list.html",
        {
            **_by_time(talks),
            "attended": attended,
            "unacknowledged": reminders,
            "organiser": getattr(request.user, "role", "") in actions.ORGANISER_ROLES,
        },
    )


@login_required
@once
def talk_create(request: SignedInRequest) -> HttpResponse:
    require_organiser(request.user)
    form = TalkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            recording = check_media(d["recording"][0])[0] if d["recording"] else None
            talk = actions.create_talk(
                actor=request.user,
                title=d["title"],
                kind=d["kind"],
                public=d["public"],
                speaker=d["speaker"],
                description=d["description"],
                starts_at=d["starts_at"],
                duration=d["duration"],
                min_minutes=d["min_minutes"],
                live_url=d["live_url"],
                roles=d["roles"],
                regions=list(d["regions"]),
                recording=recording,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("talks:talk-detail", talk.pk)
    return render(request, "talks/talk_form.html", {"form": form})


@once
def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    talk = seen_talk(visitor(request), pk)
    user = request.user
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask(talk=talk, user=user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your question is with the organisers."))
            return redirect("talks:talk-detail", talk.pk)
    now = timezone.now()
    recording = Recording.objects.filter(talk=talk).first()
    signed_in = user.is_authenticated
    mine = Attendance.objects.filter(talk=talk, user=user).first() if signed_in else None  # type: ignore[misc]
    on_now = talk.starts_at <= now and (now <= actions.ends_at(talk) or recording is not None)
    return render(
        request,
        "talks/talk_detail.html",
        {
            "talk": talk,
            "form": form,
            "recording": recording,
            "on_now": on_now and actions.in_audience(talk, user),
            "audience": actions.in_audience(talk, user),
            "public_view": talk.public and not actions.in_audience(talk, user),
            "started": talk.starts_at <= now,
            "registered": signed_in and Registration.objects.filter(talk=talk, user=user).exists(),  # type: ignore[misc]
            "mine": mine,
            "mine_minutes": mine.seconds // 60 if mine else 0,
            "questions": talk.questions.filter(status=QuestionStatus.APPROVED),
            "organiser": may_organise(user, talk),  # type: ignore[arg-type]
            "ends_at": actions.ends_at(talk),
            "may_ask": signed_in and (talk.public or actions.in_audience(talk, user)),
        },
    )


@login_required
@require_POST
@once
def talk_register(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = talk_for(request.user, pk)
    try:
        actions.register(talk=talk, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("talks:talk-detail", talk.pk)


@login_required
@require_POST
def talk_heartbeat(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = talk_for(request.user, pk)
    try:
        row = actions.heartbeat(talk=talk, user=request.user)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=409)
    return JsonResponse({"seconds": row.seconds, "attended": row.attended_at is not None})


def recording(request: HttpRequest, pk: int) -> HttpResponse:
    talk = seen_talk(visitor(request), pk)
    stored = Recording.objects.filter(talk=talk).first()
    if stored is None:
        return redirect("talks:talk-detail", talk.pk)
    return inline_response(stored, request=request)


@login_required
def talk_manage(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = organised_talk(request.user, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": talk.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_minutes(
                talk=talk,
                actor=request.user,
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("talks:talk-manage", talk.pk)
    return render(
        request,
        "talks/talk_manage.html",
        {
            "talk": talk,
            "form": form,
            "attendance": queries.attendance(talk),
            "pending": talk.questions.filter(status=QuestionStatus.PENDING).select_related("user"),
            "moderate_form": ModerateForm(),
        },
    )


@login_required
@require_POST
@once
def question_moderate(request: SignedInRequest, pk: int) -> HttpResponse:
    question = organised_question(request.user, pk)
    form = ModerateForm(request.POST)
    form.is_valid()
    actions.moderate(
        question=question,
        actor=request.user,
        approve=request.POST.get("decision") == "show",
        answer=form.cleaned_data.get("answer", ""),
    )
    return redirect("talks:talk-manage", question.talk_id)


@login_required
def reminder_list(request: SignedInRequest) -> HttpResponse:
    reminders = visible_reminders(request.user).select_related("official", "official__region")
    return render(
        request,
        "talks/reminder_list.html",
        {
            "reminders": reminders[:100],
            "organiser": getattr(request.user, "role", "") in actions.ORGANISER_ROLES,
        },
    )


@login_required
@once
def reminder_create(request: SignedInRequest) -> HttpResponse:
    officials = officials_in_scope(request.user).order_by("region__code", "username")
    form = ReminderForm(request.POST or None, officials=officials)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            talk = actions.record_reminder_talk(
                actor=request.user,
                official=d["official"],
                held_on=d["held_on"],
                topics=d["topics"],
                commitments=d["commitments"].splitlines(),
                deadline=d["deadline"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("talks:reminder-detail", talk.pk)
    return render(request, "talks/reminder_form.html", {"form": form})


@login_required
def reminder_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = reminder_for(request.user, pk)
    return render(
        request,
        "talks/reminder_detail.html",
        {
            "talk": talk,
            "items": list(talk.items.all()),
            "mine": talk.official_id == request.user.pk,
        },
    )


@login_required
@require_POST
def reminder_acknowledge(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = reminder_for(request.user, pk)
    try:
        actions.acknowledge(talk=talk, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("talks:reminder-detail", talk.pk)


@login_required
def record_list(request: SignedInRequest) -> HttpResponse:
    officials = officials_in_scope(request.user)
    words = request.GET.get("q", "").strip()[:40]
    if words:
        officials = officials.filter(
            Q(display_name__icontains=words)
            | Q(username__icontains=words)
            | Q(region__name__icontains=words)
        )
    return render(
        request,
        "talks/record_list.html",
        {"officials": officials.order_by("region__code", "username")[:100], "q": words},
    )


@login_required
def record_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    official = official_for(request.user, pk)
    return render(
        request, "talks/record_detail.html", {"record": queries.integrity_record(official)}
    )
