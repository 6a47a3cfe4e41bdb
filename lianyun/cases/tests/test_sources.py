import datetime
import importlib

from django.apps import apps

from lianyun.cases import actions
from lianyun.cases.models import Lead, RectificationItem, SourceKind, source_of, source_ref
from lianyun.regions.models import Unit, UnitKind
from lianyun.testing import Cast, commissions


def test_a_source_is_named_by_its_label_and_id(cast: Cast) -> None:
    ref = source_ref(cast.village_a1)
    assert ref == f"regions.Region:{cast.village_a1.pk}"
    assert source_of(ref) == ("regions.Region", str(cast.village_a1.pk))


def test_cases_0008_respells_the_talks_and_flags_old_references(cast: Cast) -> None:
    _county, town = commissions(cast)
    committee = Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)
    flag_lead = actions.open_lead(
        source_kind=SourceKind.FLAG,
        source_ref="F12",
        region=cast.village_a1,
        handling_unit=town,
        summary="重复领取",
        subjects=[],
    )
    other_lead = actions.open_lead(
        source_kind=SourceKind.PETITION,
        source_ref="petitions.Petition:12",
        region=cast.village_a1,
        handling_unit=town,
        summary="账目不清",
        subjects=[],
    )
    talk_item = actions.register_rectification(
        source_kind=SourceKind.REMINDER_TALK,
        source_ref="R7",
        region=cast.village_a1,
        title="按时公开村务",
        owner_unit=committee,
        responsible="袁建国",
        deadline=datetime.date(2026, 12, 31),
        actor=cast.town_secretary.user,
        today=datetime.date(2026, 11, 1),
    )
    respell = importlib.import_module("lianyun.cases.migrations.0008_one_source_spelling").respell
    respell(apps, None)
    assert Lead.objects.get(pk=flag_lead.pk).source_ref == "redflags.Flag:12"
    assert Lead.objects.get(pk=other_lead.pk).source_ref == "petitions.Petition:12"
    assert RectificationItem.objects.get(pk=talk_item.pk).source_ref == "talks.ReminderTalk:7"
