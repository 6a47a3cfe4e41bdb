"""Practice mode shows each answer's explanation at once and keeps the answer; the demo's seed
bank passes the bank importer and fills the demo exam's blueprint."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.demo.exam_bank import BANK, BLUEPRINT
from lianyun.demo.exams import _bank_file
from lianyun.exams import actions
from lianyun.exams.models import Exam, ExamQuestion
from lianyun.exams.tests.test_exams import NOW
from lianyun.testing import Cast


def _practice(county: Cast) -> Exam:
    actions.import_bank(data=_bank_file(), actor=county.county_inspector.user, now=NOW)
    return actions.create_exam(
        actor=county.county_inspector.user,
        title="练习",
        blueprint=[tuple(line) for line in BLUEPRINT[:2]],  # type: ignore[misc]
        time_limit=20,
        attempt_limit=1,
        pass_mark=60,
        opens_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 11, 30),
        practice=True,
        now=NOW,
    )


def test_the_seed_bank_imports_and_fills_the_demo_blueprint(county: Cast) -> None:
    assert len(BANK) >= 100
    assert actions.import_bank(data=_bank_file(), actor=county.county_inspector.user) == len(BANK)
    assert ExamQuestion.objects.count() == len(BANK)
    exam = Exam(pk=1, blueprint=BLUEPRINT)
    picks = actions.paper_picks(exam, "demo")
    assert len(picks) == len(set(picks)) == sum(line[2] for line in BLUEPRINT)
    # Every topic and level the blueprint draws from has at least twice what one paper needs,
    # so a second attempt can avoid the first one's questions.
    for topic, level, count in BLUEPRINT:
        assert ExamQuestion.objects.filter(topic=topic, difficulty=level).count() >= 2 * count


def test_practice_explains_each_answer_at_once_and_keeps_it(county: Cast) -> None:
    exam = _practice(county)
    official = county.town_secretary.user
    client = Client()
    client.force_login(official)
    with time_machine.travel(NOW):
        attempt = actions.start_attempt(exam=exam, user=official)
        first = attempt.answers.select_related("question").get(position=1)
        right = first.question.answer
        given = right if first.question.kind == "multiple" else right[0]
        page = reverse("exams:attempt-detail", args=[attempt.pk])
        field = {"q1": given, "check": "1"}
        checked = client.post(page, field)
        assert checked.status_code == 302 and checked["Location"].endswith("#q1")
        shown = client.get(page).content.decode()
        assert 'data-test="checked"' in shown
        assert first.question.explanation in shown
        first.refresh_from_db()
        assert first.correct is True and first.answered_at is not None
        # The answer cannot change once its explanation was shown.
        with pytest.raises(ValidationError):
            actions.record_answer(attempt=attempt, position=1, given="错")
        # Handing in keeps the checked answer and grades the rest.
        done = client.post(page, {})
        assert done["Location"] == reverse("exams:attempt-result", args=[attempt.pk])
        attempt.refresh_from_db()
        assert attempt.score is not None and attempt.score > 0


def test_a_counted_exam_does_not_explain_before_the_hand_in(county: Cast) -> None:
    exam = _practice(county)
    exam.practice = False
    exam.save()
    with time_machine.travel(NOW):
        attempt = actions.start_attempt(exam=exam, user=county.town_secretary.user)
        with pytest.raises(ValidationError):
            actions.check_practice(attempt=attempt, position=1, given="对")
    assert not attempt.answers.filter(answered_at__isnull=False).exists()
