"""我的 on the demo county: it lists only the surveys the villager may answer."""

import pytest
import time_machine
from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.demo.tests.conftest import CLOCK
from lianyun.portal.queries import villager_home
from lianyun.regions.models import Region
from lianyun.surveys.models import Survey, Target

pytestmark = pytest.mark.django_db


def test_mine_lists_only_the_surveys_the_villager_may_answer(demo: None) -> None:
    with time_machine.travel(CLOCK, tick=False):
        today = timezone.localdate()
        villager = User.objects.get(username="villager")
        open_now = Survey.objects.filter(
            launched_at__isnull=False,
            closed_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        listed = {s.pk for s, _drawn in villager_home(villager).surveys}
        assert listed == set(open_now.values_list("pk", flat=True))  # all are for this village
        # One of them is about another village's matter: it leaves 我的.
        elsewhere = open_now.exclude(kind="social").first()
        assert elsewhere is not None
        other = Region.objects.filter(kind="village").exclude(pk=villager.region_id).first()
        Target.objects.filter(survey=elsewhere).update(area=other)
        still = {s.pk for s, _drawn in villager_home(villager).surveys}
    assert still == listed - {elsewhere.pk}
