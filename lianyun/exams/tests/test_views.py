"""The exam pages: an official takes an exam on the page and sees the result; a villager
reaches none of it; the county reads the results and imports the bank."""

import datetime
import re

import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.exams.models import Attempt, Exam, ExamQuestion
from lianyun.exams.tests.test_exams import NOW, SAMPLE, workbook
from lianyun.testing import Cast


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_an_official_takes_an_exam_and_the_county_reads_the_results(county: Cast) -> None:
    manager = _signed_in(county.county_inspector.user)
    assert _signed_in(county.town_secretary.user).get(reverse("exams:bank")).status_code == 404
    imported = manager.post(reverse("exams:bank"), {"file": _upload(workbook(SAMPLE))}, follow=True)
    assert 'data-test="added"' in imported.content.decode()
    assert ExamQuestion.objects.count() == 4
    exported = manager.get(reverse("exams:bank") + "?export=1")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    ExamQuestion.objects.filter(kind="fill").update(topic="其他")
    exam = Exam.objects.create(
        title="党纪测试",
        blueprint=[["廉洁纪律", 1, 3]],
        time_limit=20,
        attempt_limit=2,
        pass_mark=60,
        opens_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 11, 30),
        roles=["town_commission"],
        created_by=county.county_inspector.user,
        created_at=NOW,
    )
    official = _signed_in(county.town_secretary.user)
    with time_machine.travel(NOW):
        listed = official.get(reverse("exams:exam-list")).content.decode()
        assert "党纪测试" in listed
        started = official.post(reverse("exams:exam-start", args=[exam.pk]))
        attempt = Attempt.objects.get()
        assert started["Location"] == reverse("exams:attempt-detail", args=[attempt.pk])
        paper = official.get(started["Location"]).content.decode()
        assert paper.count('name="q') >= 3
        answers = {}
        for row in attempt.answers.select_related("question"):
            q = row.question
            answers[f"q{row.position}"] = q.answer if q.kind == "multiple" else q.answer[0]
        done = official.post(started["Location"], answers)
        assert done["Location"] == reverse("exams:attempt-result", args=[attempt.pk])
        result = official.get(done["Location"]).content.decode()
        assert 'data-test="score">100.0<' in result
    # Another official, a villager and the town commission reach none of it.
    assert _signed_in(county.outsider.user).get(done["Location"]).status_code == 404
    villager = _signed_in(county.villager.user).get(reverse("exams:exam-list")).content.decode()
    assert "党纪测试" not in villager and 'data-test="quiz-hall"' in villager  # the public quiz
    town = _signed_in(county.town_secretary.user)
    assert town.get(reverse("exams:exam-results", args=[exam.pk])).status_code == 404
    results = manager.get(reverse("exams:exam-results", args=[exam.pk])).content.decode()
    assert 'data-test="items"' in results and "佛楼镇" in results


def _upload(data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "bank.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_the_county_sets_an_exam_reminds_and_a_passer_prints_a_certificate(county: Cast) -> None:
    from lianyun.accounts.models import Notification
    from lianyun.exams import actions

    actions.import_bank(data=workbook(SAMPLE), actor=county.county_inspector.user)
    manager = _signed_in(county.county_inspector.user)
    form = {
        "title": "新任村干部廉洁测试",
        "blueprint": "廉洁纪律,1,9",
        "time_limit": "20",
        "attempt_limit": "2",
        "pass_mark": "60",
        "opens_on": "2026-11-01",
        "deadline": "2026-11-30",
        "roles": ["village_cadre", "town_commission"],
    }
    refused = manager.post(reverse("exams:exam-create"), form).content.decode()
    assert "需要9道" in refused and not Exam.objects.exists()
    made = manager.post(reverse("exams:exam-create"), form | {"blueprint": "廉洁纪律，1，4"})
    exam = Exam.objects.get()
    assert made["Location"] == reverse("exams:exam-results", args=[exam.pk])
    assert exam.blueprint == [["廉洁纪律", 1, 4]]
    with time_machine.travel(NOW):
        attempt = actions.start_attempt(exam=exam, user=county.village_cadre.user, now=NOW)
        for row in attempt.answers.select_related("question"):
            q = row.question
            given = q.answer if q.kind == "multiple" else q.answer[0]
            actions.record_answer(attempt=attempt, position=row.position, given=given, now=NOW)
        actions.submit_attempt(attempt=attempt, now=NOW)
    manager.post(reverse("exams:exam-remind", args=[exam.pk]))
    reminded = set(
        Notification.objects.filter(text__contains="新任村干部廉洁测试").values_list(
            "user__username", flat=True
        )
    )
    assert "town_secretary" in reminded and "village_cadre" not in reminded
    cadre = _signed_in(county.village_cadre.user)
    printed = cadre.get(reverse("exams:attempt-certificate", args=[attempt.pk])).content.decode()
    assert 'data-test="certificate"' in printed and 'data-test="qr"' in printed
    assert (
        _signed_in(county.town_secretary.user)
        .get(reverse("exams:attempt-certificate", args=[attempt.pk]))
        .status_code
        == 404
    )


def test_anyone_takes_the_public_quiz_and_only_the_counts_are_kept(county: Cast) -> None:
    from lianyun.exams import actions
    from lianyun.exams.models import QuizTally

    actions.import_bank(data=workbook(SAMPLE), actor=county.county_inspector.user)
    visitor = Client()
    hall = visitor.get(reverse("exams:exam-list")).content.decode()
    assert 'data-test="quiz-start"' in hall
    drawn = visitor.get(reverse("exams:quiz") + "?new=1")
    assert drawn["Location"] == reverse("exams:quiz")  # a reload does not draw again
    paper = visitor.get(reverse("exams:quiz")).content.decode()
    assert paper.count('data-test="question"') == 4
    ids = visitor.session["lianyun_quiz"]["ids"]
    questions = ExamQuestion.objects.in_bulk(ids)
    right = {
        f"q{n}": (q.answer if q.kind == "multiple" else q.answer[0])
        for n, q in ((n, questions[pk]) for n, pk in enumerate(ids, start=1))
    }
    # One answer ticked is kept in the session; a reload shows it ticked.
    first = ExamQuestion.objects.get(pk=ids[0])
    kept = visitor.post(reverse("exams:quiz-keep"), {"q1": right["q1"]})
    assert kept.json() == {"kept": 1}
    assert visitor.session["lianyun_quiz"]["answers"]["1"] == right["q1"]
    assert first.stem in visitor.get(reverse("exams:quiz")).content.decode()
    key = re.search(r'name="_once" value="([^"]+)"', paper)[1]  # type: ignore[index]
    done = visitor.post(reverse("exams:quiz"), {**right, "_once": key})
    assert done["Location"] == reverse("exams:quiz-result")
    again = visitor.post(reverse("exams:quiz"), {**right, "_once": key})  # a double tap
    assert again["Location"] == reverse("exams:quiz-result")
    result = visitor.get(reverse("exams:quiz-result")).content.decode()
    assert 'data-test="quiz-right">4<' in result
    tally = QuizTally.objects.get()
    assert (tally.papers, tally.questions, tally.right) == (1, 4, 4)


def test_a_practice_check_keeps_the_other_answers_ticked(county: Cast) -> None:
    from lianyun.exams import actions

    actions.import_bank(data=workbook(SAMPLE), actor=county.county_inspector.user)
    ExamQuestion.objects.filter(kind="fill").update(topic="其他")
    exam = Exam.objects.create(
        title="练习",
        blueprint=[["廉洁纪律", 1, 3]],
        time_limit=20,
        attempt_limit=9,
        pass_mark=60,
        opens_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 11, 30),
        practice=True,
        roles=["town_commission"],
        created_by=county.county_inspector.user,
        created_at=NOW,
    )
    official = _signed_in(county.town_secretary.user)
    with time_machine.travel(NOW):
        page = official.post(reverse("exams:exam-start", args=[exam.pk]))["Location"]
        attempt = Attempt.objects.get()
        rows = list(attempt.answers.select_related("question"))
        ticked = {
            f"q{r.position}": r.question.answer
            if r.question.kind == "multiple"
            else r.question.answer[0]
            for r in rows
        }
        official.post(page, {**ticked, "check": "1"})  # 核对 on the first question only
        kept = {r.position: r.given for r in attempt.answers.all()}
        assert all(kept[r.position] is not None for r in rows)  # the others were not lost
        reloaded = official.get(page).content.decode()
        for r in rows[1:]:
            if r.question.kind in ("single", "true_false"):
                tick = re.search(
                    rf'name="q{r.position}" value="{r.question.answer[0]}"[^>]*>', reloaded
                )
                assert tick and "checked" in tick[0], r.position  # still ticked after a reload
        # The page's script sends each answer as it is ticked: it is kept, and can still change.
        second = attempt.answers.select_related("question").get(position=2)
        other = "错" if second.question.kind == "true_false" else "B"
        if second.question.kind == "multiple":
            other = ["B"]  # type: ignore[assignment]
        keep = official.post(reverse("exams:attempt-keep", args=[attempt.pk]), {"q2": other})
        assert keep.json() == {"kept": 1}
        second.refresh_from_db()
        assert second.given in (other, [other]) and second.correct is None
        # A checked practice answer is fixed.
        fixed = official.post(reverse("exams:attempt-keep", args=[attempt.pk]), {"q1": "D"})
        assert fixed.json()["kept"] == 0
