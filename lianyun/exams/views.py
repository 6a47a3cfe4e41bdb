"""云考堂 pages: an official's exams, the paper on a phone, the result with explanations; the
county commission's results (who has not passed, rates per unit, item analysis) and bank."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.spreadsheet import download, xlsx
from lianyun.core.views import post_form
from lianyun.exams import actions, queries, quiz
from lianyun.exams.access import (
    MANAGER_ROLES,
    assigned_exam,
    managed_exam,
    own_attempt,
    require_manager,
)
from lianyun.exams.forms import BankForm, ExamForm, PaperForm


def exam_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_official:
        return _quiz_hall(request)
    today = timezone.localdate()
    manager = user.role in MANAGER_ROLES
    mine, managed = [], []
    for exam in queries.exams_by_deadline():
        if exam.opens_on <= today and actions.in_cohort(exam, user):
            attempts = queries.attempts_of(exam, user)
            mine.append((exam, attempts, any(a.passed for a in attempts)))
        if manager:
            managed.append(exam)
    return render(
        request,
        "exams/exam_list.html",
        {"mine": mine, "managed": managed, "today": today, "manager": manager},
    )


@login_required
@require_POST
@once
def exam_start(request: SignedInRequest, pk: int) -> HttpResponse:
    exam = assigned_exam(request.user, pk)

    def refused(form: Form) -> HttpResponse:
        reason = next(str(e) for errors in form.errors.values() for e in errors)
        return render(request, "exams/refused.html", {"exam": exam, "reason": reason})

    return post_form(
        Form(request.POST),
        lambda _d: actions.start_attempt(exam=exam, user=request.user),
        done=lambda attempt: reverse("exams:attempt-detail", args=[attempt.pk]),
        again=refused,
    )


@login_required
@never_cache
@once
def attempt_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    attempt = own_attempt(request.user, pk)
    if attempt.submitted_at is not None:
        return redirect("exams:attempt-result", attempt.pk)
    rows = queries.paper_rows(attempt)
    form = PaperForm(request.POST if request.method == "POST" else None, rows=rows)

    def page(_refused: Form | None = None) -> HttpResponse:
        left = max(0, int((attempt.due_at - timezone.now()).total_seconds()))
        checked = {
            row.position: row for row in rows if attempt.exam.practice and row.correct is not None
        }
        return render(
            request,
            "exams/attempt_detail.html",
            {
                "attempt": attempt,
                "form": form,
                "seconds_left": left,
                "items": [(form[f"q{row.position}"], checked.get(row.position)) for row in rows],
            },
        )

    asked = request.POST.get("check", "")
    check = row_id(asked)
    if request.method != "POST" or (asked and check is None):
        return page()
    if check is None:  # handed in
        return post_form(
            form,
            lambda _d: actions.answer_all(attempt=attempt, answers=form.answers()),
            done=reverse("exams:attempt-result", args=[attempt.pk]),
            again=page,
        )

    def check_one(_d: dict[str, Any]) -> None:
        # The other answers ticked so far are kept too, not thrown away.
        others = {p: a for p, a in form.answers().items() if p != check}
        actions.keep_answers(attempt=attempt, answers=others)
        actions.check_practice(attempt=attempt, position=check, given=form.answer(check))

    return post_form(
        form,
        check_one,
        done=reverse("exams:attempt-detail", args=[attempt.pk]) + f"#q{check}",
        again=page,
    )


def _quiz_hall(request: HttpRequest) -> HttpResponse:
    """云考堂 for anyone: the public quiz and how everyone has done on it this year."""
    today = timezone.localdate()
    return render(
        request,
        "exams/quiz_hall.html",
        {"year": quiz.totals(today.replace(month=1, day=1)), "size": quiz.SIZE},
    )


def _paper(request: HttpRequest, *, fresh: bool = False) -> dict[str, Any] | None:
    paper = request.session.get(quiz.PAPER)
    if fresh or paper is None:
        ids = quiz.draw()
        if not ids:
            return None
        paper = {"ids": ids, "answers": {}}
        request.session[quiz.PAPER] = paper
    return paper


def _quiz_answers(form: PaperForm) -> dict[str, Any]:
    return {str(p): a for p, a in form.answers().items()}


@never_cache
@once
def quiz_paper(request: HttpRequest) -> HttpResponse:
    """The visitor's paper: answers are kept in their session as they are ticked (and with
    every send), so a reload or 核对 loses none; handing in marks it and shows the answers."""
    if request.method == "GET" and request.GET.get("new") == "1":
        if _paper(request, fresh=True) is None:
            return render(request, "exams/quiz_hall.html", {"empty": True})
        return redirect("exams:quiz")  # a reload of the paper must not draw another one
    paper = _paper(request)
    if paper is None:
        return render(request, "exams/quiz_hall.html", {"empty": True})
    if paper.get("graded"):
        return redirect("exams:quiz-result")
    rows = quiz.slots(paper)
    form = PaperForm(request.POST if request.method == "POST" else None, rows=rows)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        paper = {**paper, "answers": {**paper["answers"], **_quiz_answers(form)}}
        request.session[quiz.PAPER] = quiz.grade(paper)
        return redirect("exams:quiz-result")
    return render(request, "exams/quiz_paper.html", {"form": form, "size": len(rows)})


@require_POST
def quiz_keep(request: HttpRequest) -> JsonResponse:
    """One answer of the public quiz, kept in the visitor's session as it is ticked."""
    paper = request.session.get(quiz.PAPER)
    if paper is None or paper.get("graded"):
        return JsonResponse({"kept": 0}, status=409)
    form = PaperForm(request.POST, rows=quiz.slots(paper))  # type: ignore[arg-type]
    if not form.is_valid():
        return JsonResponse({"kept": 0}, status=400)
    sent = {k: v for k, v in _quiz_answers(form).items() if f"q{k}" in request.POST}
    request.session[quiz.PAPER] = {**paper, "answers": {**paper["answers"], **sent}}
    return JsonResponse({"kept": len(sent)})


@never_cache
def quiz_result(request: HttpRequest) -> HttpResponse:
    paper = request.session.get(quiz.PAPER)
    if paper is None or not paper.get("graded"):
        return redirect("exams:quiz")
    return render(request, "exams/quiz_result.html", {"paper": paper, "rows": quiz.slots(paper)})


@login_required
@require_POST
def attempt_keep(request: SignedInRequest, pk: int) -> JsonResponse:
    """One answer, sent by the page as it is ticked (so a reload or another device has it)."""
    attempt = own_attempt(request.user, pk)
    form = PaperForm(request.POST, rows=queries.paper_rows(attempt))
    if not form.is_valid():
        return JsonResponse({"kept": 0}, status=400)
    sent = {p: a for p, a in form.answers().items() if f"q{p}" in request.POST}
    try:
        kept = actions.keep_answers(attempt=attempt, answers=sent)
    except ValidationError as error:
        return JsonResponse({"kept": 0, "error": " ".join(error.messages)}, status=409)
    return JsonResponse({"kept": kept})


@login_required
@never_cache
def attempt_result(request: SignedInRequest, pk: int) -> HttpResponse:
    attempt = own_attempt(request.user, pk)
    if attempt.submitted_at is None:
        return redirect("exams:attempt-detail", attempt.pk)
    rows = queries.paper_rows(attempt)
    return render(request, "exams/attempt_result.html", {"attempt": attempt, "rows": rows})


@login_required
def exam_results(request: SignedInRequest, pk: int) -> HttpResponse:
    exam = managed_exam(request.user, pk)
    not_taken, not_passed = queries.not_passed(exam)
    return render(
        request,
        "exams/exam_results.html",
        {
            "exam": exam,
            "not_taken": not_taken,
            "not_passed": not_passed,
            "rates": queries.unit_rates(exam),
            "items": queries.item_analysis(exam),
        },
    )


@login_required
@once
def exam_create(request: SignedInRequest) -> HttpResponse:
    require_manager(request.user)

    def page(form: Form) -> HttpResponse:
        return render(request, "exams/exam_form.html", {"form": form})

    if request.method != "POST":
        return page(ExamForm())
    return post_form(
        ExamForm(request.POST),
        lambda d: actions.create_exam(
            actor=request.user,
            title=d["title"],
            blueprint=d["blueprint"],
            time_limit=d["time_limit"],
            attempt_limit=d["attempt_limit"],
            pass_mark=d["pass_mark"],
            opens_on=d["opens_on"],
            deadline=d["deadline"],
            practice=d["practice"],
            roles=d["roles"],
            regions=list(d["regions"]),
        ),
        done=lambda exam: reverse("exams:exam-results", args=[exam.pk]),
        again=page,
    )


@login_required
@require_POST
@once
def exam_remind(request: SignedInRequest, pk: int) -> HttpResponse:
    exam = managed_exam(request.user, pk)
    not_taken, not_passed = queries.not_passed(exam)
    sent = actions.remind(
        exam=exam,
        actor=request.user,
        users=[s.user for s in not_taken + not_passed],
    )
    messages.success(request, _("%(n)s officials reminded.") % {"n": sent})
    return redirect("exams:exam-results", exam.pk)


@login_required
@never_cache
def attempt_certificate(request: SignedInRequest, pk: int) -> HttpResponse:
    """A printable certificate for a passed attempt, with a QR code back to the result."""
    attempt = own_attempt(request.user, pk)
    if not attempt.passed:
        raise Http404
    back = reverse("exams:attempt-result", args=[attempt.pk])
    url = public_url(request, back)
    return render(
        request,
        "exams/certificate.html",
        {"attempt": attempt, "back": back, "qr": qr_svg(url), "qr_url": url},
    )


@login_required
@once
def bank(request: SignedInRequest) -> HttpResponse:
    """The county's question bank: import a workbook of questions (all rows or none), or take
    the bank away as one. After an import, the page says how many questions it added."""
    require_manager(request.user)
    if request.GET.get("export"):
        return download(xlsx("", actions.BANK_HEADER, actions.bank_rows()), "question-bank.xlsx")

    def page(form: Form) -> HttpResponse:
        added = row_id(request.GET.get("added")) if request.method == "GET" else None
        return render(
            request, "exams/bank.html", {"form": form, "added": added, "count": queries.bank_size()}
        )

    if request.method != "POST":
        return page(BankForm())
    return post_form(
        BankForm(request.POST, request.FILES),
        lambda d: actions.import_bank(data=d["file"].read(), actor=request.user),
        done=lambda added: reverse("exams:bank") + "?" + urlencode({"added": added}),
        again=page,
    )
