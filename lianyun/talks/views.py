"""云端话廉 pages: an official's talks (register, watch or listen, ask, attendance counted while
the page is open), the organisers' talk builder, attendance, moderation and minutes; reminder
talks; and an official's integrity record for the commission."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest, account_of
from lianyun.core.access import visitor
from lianyun.core.filestore import inline_response
from lianyun.core.once import once
from lianyun.core.views import post_form, told_on
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
from lianyun.talks.models import Talk


def _by_time(talks: list[Talk]) -> dict[str, list[Talk]]:
    now = timezone.now()
    return {
        "upcoming": [t for t in talks if actions.ends_at(t) >= now],
        "past": [t for t in talks if actions.ends_at(t) < now][:30],
    }


def talk_list(request: HttpRequest) -> HttpResponse:
    """Officials see the talks meant for them; anyone else the public lectures."""
    user = account_of(request)
    if user is None or not user.is_official:
        return render(request, "talks/public_list.html", _by_time(list(public_talks())))
    talks = queries.talks_of(user, lambda talk: may_organise(user, talk))
    return render(
        request,
        "talks/talk_list.html",
        {
            **_by_time(talks),
            "attended": queries.attended_by(user),
            "unacknowledged": queries.unacknowledged(visible_reminders(user), user),
            "organiser": user.role in actions.ORGANISER_ROLES,
        },
    )


@login_required
@once
def talk_create(request: SignedInRequest) -> HttpResponse:
    require_organiser(request.user)

    def create(d: dict[str, Any]) -> Talk:
        recording = check_media(d["recording"][0])[0] if d["recording"] else None
        return actions.create_talk(
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

    if request.method != "POST":
        return _talk_form_page(request, TalkForm())
    return post_form(
        TalkForm(request.POST, request.FILES),
        create,
        done=_talk_url,
        again=lambda form: _talk_form_page(request, form),
    )


def _talk_form_page(request: SignedInRequest, form: Form) -> HttpResponse:
    return render(request, "talks/talk_form.html", {"form": form})


def _talk_url(talk: Talk) -> str:
    return reverse("talks:talk-detail", args=[talk.pk])


@once
def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    talk = seen_talk(visitor(request), pk)
    user = account_of(request)

    def page(form: Form) -> HttpResponse:
        now = timezone.now()
        recording = queries.recording_of(talk)
        mine = queries.attendance_of(talk, user) if user is not None else None
        in_audience = user is not None and actions.in_audience(talk, user)
        on_now = talk.starts_at <= now and (now <= actions.ends_at(talk) or recording is not None)
        return render(
            request,
            "talks/talk_detail.html",
            {
                "talk": talk,
                "form": form,
                "recording": recording,
                "on_now": on_now and in_audience,
                "audience": in_audience,
                "public_view": talk.public and not in_audience,
                "started": talk.starts_at <= now,
                "registered": user is not None and queries.is_registered(talk, user),
                "mine": mine,
                "mine_minutes": mine.seconds // 60 if mine else 0,
                "questions": queries.shown_questions(talk),
                "organiser": may_organise(visitor(request), talk),
                "ends_at": actions.ends_at(talk),
                "may_ask": user is not None and (talk.public or in_audience),
            },
        )

    def asked(_question: object) -> str:
        messages.success(request, _("Your question is with the organisers."))
        return _talk_url(talk)

    if request.method != "POST":
        return page(QuestionForm())
    if user is None:
        return redirect_to_login(request.get_full_path())
    return post_form(
        QuestionForm(request.POST),
        lambda d: actions.ask(talk=talk, user=user, text=d["text"]),
        done=asked,
        again=page,
    )


@login_required
@require_POST
@once
def talk_register(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = talk_for(request.user, pk)
    return post_form(
        Form(request.POST),
        lambda _d: actions.register(talk=talk, user=request.user),
        done=_talk_url(talk),
        again=told_on(request, _talk_url(talk)),
    )


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
    stored = queries.recording_of(talk)
    if stored is None:
        return redirect("talks:talk-detail", talk.pk)
    return inline_response(stored, request=request)


@login_required
def talk_manage(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = organised_talk(request.user, pk)

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "talks/talk_manage.html",
            {
                "talk": talk,
                "form": form,
                "attendance": queries.attendance(talk),
                "pending": queries.pending_questions(talk),
                "moderate_form": ModerateForm(),
            },
        )

    if request.method != "POST":
        return page(MinutesForm(initial={"minutes": talk.minutes}))
    return post_form(
        MinutesForm(request.POST, initial={"minutes": talk.minutes}),
        lambda d: actions.record_minutes(talk=talk, actor=request.user, minutes=d["minutes"]),
        done=reverse("talks:talk-manage", args=[talk.pk]),
        again=page,
    )


@login_required
@require_POST
@once
def question_moderate(request: SignedInRequest, pk: int) -> HttpResponse:
    question = organised_question(request.user, pk)
    manage = reverse("talks:talk-manage", args=[question.talk_id])
    return post_form(
        ModerateForm(request.POST),
        lambda d: actions.moderate(
            question=question,
            actor=request.user,
            approve=request.POST.get("decision") == "show",
            answer=d.get("answer", ""),
        ),
        done=manage,
        again=told_on(request, manage),
    )


@login_required
def reminder_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "talks/reminder_list.html",
        {
            "reminders": queries.reminders_listed(visible_reminders(request.user)),
            "organiser": request.user.role in actions.ORGANISER_ROLES,
        },
    )


@login_required
@once
def reminder_create(request: SignedInRequest) -> HttpResponse:
    officials = officials_in_scope(request.user)

    def page(form: Form) -> HttpResponse:
        return render(request, "talks/reminder_form.html", {"form": form})

    if request.method != "POST":
        return page(ReminderForm(officials=officials))
    return post_form(
        ReminderForm(request.POST, officials=officials),
        lambda d: actions.record_reminder_talk(
            actor=request.user,
            official=d["official"],
            held_on=d["held_on"],
            topics=d["topics"],
            commitments=d["commitments"].splitlines(),
            deadline=d["deadline"],
        ),
        done=lambda talk: reverse("talks:reminder-detail", args=[talk.pk]),
        again=page,
    )


@login_required
def reminder_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = reminder_for(request.user, pk)
    return render(
        request,
        "talks/reminder_detail.html",
        {
            "talk": talk,
            "items": queries.reminder_items(talk),
            "mine": talk.official_id == request.user.pk,
        },
    )


@login_required
@require_POST
def reminder_acknowledge(request: SignedInRequest, pk: int) -> HttpResponse:
    talk = reminder_for(request.user, pk)
    detail = reverse("talks:reminder-detail", args=[talk.pk])
    return post_form(
        Form(request.POST),
        lambda _d: actions.acknowledge(talk=talk, user=request.user),
        done=detail,
        again=told_on(request, detail),
    )


@login_required
def record_list(request: SignedInRequest) -> HttpResponse:
    words = request.GET.get("q", "").strip()[:40]
    officials = queries.officials_listed(officials_in_scope(request.user), words)
    return render(request, "talks/record_list.html", {"officials": officials, "q": words})


@login_required
def record_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    official = official_for(request.user, pk)
    return render(
        request, "talks/record_detail.html", {"record": queries.integrity_record(official)}
    )
