import re

import pytest
from django.test import Client
from django.urls import reverse

from lianyun.cases.models import LeadStatus
from lianyun.core.models import AuditEntry
from lianyun.petitions.models import Petition, PetitionStatus
from lianyun.testing import Cast, commissions, pow_field

DESCRIPTION = "村支书截留了三户人家的低保金，已经三个月没发了。"


@pytest.fixture
def town_units(cast: Cast) -> None:
    commissions(cast)


def _file(client: Client, cast: Cast, **extra: str) -> str:
    data = {
        "kind": "accusation",
        "subject": f"person:{cast.cadre_resident.pk}",
        "subject_text": "",
        "description": DESCRIPTION,
        "anonymous": "1",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_id_number": "",
        "earlier_receipt": "",
    }
    data.update(extra)
    data.update(pow_field("petition"))
    response = client.post(
        reverse("petitions:petition-create", args=[cast.village_a1.code]), data, follow=True
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    found = re.search(r"<code class=\"big\">([A-Z2-7-]+)</code>", page)
    assert found, page
    return found.group(1)


def _handler(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.town_secretary.user)
    return client


def test_the_villager_picks_a_village_then_sees_its_officials(
    client: Client, cast: Cast, town_units: None
) -> None:
    start = client.get(reverse("petitions:petition-start")).content.decode()
    assert "三官寨村" in start
    form = client.get(
        reverse("petitions:petition-create", args=[cast.village_a1.code])
    ).content.decode()
    assert "袁建国" in form and "党组织书记" in form


def test_an_anonymous_villager_files_gets_a_receipt_once_and_reads_the_answer(
    client: Client, cast: Cast, town_units: None
) -> None:
    receipt = _file(client, cast)
    petition = Petition.objects.get()
    assert receipt.replace("-", "")[:8] == petition.receipt_locator
    # A fresh phone comes back with the receipt.
    phone = Client()
    response = phone.post(
        reverse("petitions:petition-track"), {"receipt": receipt, **pow_field("track")}
    )
    assert response.status_code == 302
    page = phone.get(reverse("petitions:petition-tracked")).content.decode()
    assert "已登记" in page
    assert "<h2>办理经过</h2>" in page  # the timeline's heading, not the form's 反映内容
    assert DESCRIPTION in page  # the petitioner reads what they wrote
    assert receipt not in page  # never shown again
    # The town commission accepts, disposes of the lead and answers.
    handler = _handler(cast)
    assert handler.post(reverse("petitions:petition-accept", args=[petition.pk])).status_code == 302
    petition.refresh_from_db()
    assert petition.lead is not None
    handler.post(
        reverse("cases:lead-dispose", args=[petition.lead.pk]),
        {"disposition": "preliminary_check", "reason": "经集体研究，初步核实"},
    )
    petition.lead.refresh_from_db()
    assert petition.lead.status == LeadStatus.DISPOSED
    handler.post(
        reverse("petitions:petition-answer", args=[petition.pk]),
        {"decision": "support", "answer": "经核查属实，已责令补发并处理相关人员。"},
    )
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    page = phone.get(reverse("petitions:petition-tracked")).content.decode()
    assert "经核查属实" in page and "予以支持" in page
    # The villager rates and writes back.
    phone.post(reverse("petitions:tracked-rate"), {"satisfied": "1"})
    phone.post(reverse("petitions:tracked-message"), {"body": "谢谢"})
    petition.refresh_from_db()
    assert petition.satisfied is True
    assert (
        "谢谢"
        in handler.get(reverse("petitions:petition-detail", args=[petition.pk])).content.decode()
    )


def test_a_wrong_receipt_says_so_and_writes_nothing(
    client: Client, cast: Cast, town_units: None
) -> None:
    _file(client, cast)
    before = AuditEntry.objects.count()
    page = (
        Client()
        .post(
            reverse("petitions:petition-track"),
            {"receipt": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", **pow_field("track")},
        )
        .content.decode()
    )
    assert "没有与此查询码对应的信访件" in page
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"description": "太短"}, "至少用 10 个字"),
        (
            {
                "anonymous": "0",
                "reporter_name": "彭运芳",
                "reporter_phone": "13812345678",
                "reporter_id_number": "360426199101010072",
            },
            "校验码",
        ),
        ({"subject": "", "subject_text": ""}, "检举控告的对象"),
        ({"earlier_receipt": "not-a-receipt"}, "查询码"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_filed(
    client: Client, cast: Cast, town_units: None, extra: dict[str, str], message: str
) -> None:
    data = {
        "kind": "accusation",
        "subject": f"person:{cast.cadre_resident.pk}",
        "subject_text": "",
        "description": DESCRIPTION,
        "anonymous": "1",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_id_number": "",
        "earlier_receipt": "",
    }
    data.update(extra)
    data.update(pow_field("petition"))
    page = client.post(
        reverse("petitions:petition-create", args=[cast.village_a1.code]), data
    ).content.decode()
    assert message in page
    assert not Petition.objects.exists()


def test_an_extension_past_the_legal_limit_is_refused(
    client: Client, cast: Cast, town_units: None
) -> None:
    _file(client, cast)
    petition = Petition.objects.get()
    handler = _handler(cast)
    handler.post(reverse("petitions:petition-accept", args=[petition.pk]))
    response = handler.post(
        reverse("petitions:petition-extend", args=[petition.pk]), {"days": "45", "reason": "复杂"}
    )
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.clock_extension_days == 0


def test_a_decision_without_a_reason_is_refused(
    client: Client, cast: Cast, town_units: None
) -> None:
    _file(client, cast, kind="suggestion", subject="", subject_text="村道路灯")
    petition = Petition.objects.get()
    handler = _handler(cast)
    handler.post(reverse("petitions:petition-accept", args=[petition.pk]))
    response = handler.post(
        reverse("petitions:petition-answer", args=[petition.pk]),
        {"decision": "support", "answer": "   "},
    )
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ACCEPTED


def test_reporter_flows_keep_no_ip_address_or_user_agent(cast: Cast, town_units: None) -> None:
    """S4: a canary address and browser string appear nowhere in the database."""
    from lianyun.testing import every_cell_as_text

    canary_ip, canary_agent = "203.0.113.77", "CanaryBrowser/9.9 (lianyun-s4)"
    client = Client(
        REMOTE_ADDR=canary_ip, HTTP_USER_AGENT=canary_agent, HTTP_X_FORWARDED_FOR=canary_ip
    )
    receipt = _file(client, cast)
    client.post(reverse("petitions:petition-track"), {"receipt": receipt, **pow_field("track")})
    client.post(reverse("petitions:tracked-message"), {"body": "补充材料"})
    client.post(reverse("petitions:petition-track"), {"receipt": "AAAA" * 7, **pow_field("track")})
    dump = every_cell_as_text()
    assert canary_ip not in dump
    assert "CanaryBrowser" not in dump
    from django.core.cache import cache

    cached = getattr(cache, "_cache", {})
    assert canary_ip not in repr(cached)
    assert "CanaryBrowser" not in repr(cached)


def test_a_petitions_problem_is_rectified_and_the_villager_confirms_or_reopens(
    client: Client, cast: Cast, town_units: None
) -> None:
    from lianyun.cases.models import RectificationItem, RectificationStatus
    from lianyun.regions.models import Unit, UnitKind

    receipt = _file(client, cast, kind="request", subject="", subject_text="村道路灯损坏")
    petition = Petition.objects.get()
    handler = _handler(cast)
    handler.post(reverse("petitions:petition-accept", args=[petition.pk]))
    committee = Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)
    # The unit responsible defaults to the petition's own village committee, not a bureau.
    page = handler.get(reverse("petitions:petition-detail", args=[petition.pk])).content.decode()
    assert re.search(rf'<option value="{committee.pk}" selected>', page)
    response = handler.post(
        reverse("petitions:petition-rectify", args=[petition.pk]),
        {
            "title": "修复村道路灯",
            "measures": "更换灯具",
            "owner_unit": committee.pk,
            "responsible": "袁建国",
            "deadline": "2099-01-31",
        },
    )
    assert response.status_code == 302
    item = RectificationItem.objects.get()
    assert item.is_public
    handler.post(
        reverse("cases:rectification-milestone", args=[item.pk]),
        {"progress": "100", "note": "已更换"},
    )
    handler.post(
        reverse("cases:rectification-feedback", args=[item.pk]), {"feedback": "路灯已修复。"}
    )
    phone = Client()
    phone.post(reverse("petitions:petition-track"), {"receipt": receipt, **pow_field("track")})
    page = phone.get(reverse("petitions:petition-tracked")).content.decode()
    assert "路灯已修复" in page
    phone.post(reverse("petitions:tracked-confirm", args=[item.pk]), {"satisfied": "0"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.REOPENED
    # Another petitioner's browser cannot touch this item.
    stranger = Client()
    _file(stranger, cast, kind="suggestion", subject="", subject_text="别的事")
    refused = stranger.post(
        reverse("petitions:tracked-confirm", args=[item.pk]), {"satisfied": "1"}
    )
    assert refused.status_code == 404
    item.refresh_from_db()
    assert item.status == RectificationStatus.REOPENED


def test_an_accusations_item_is_never_public(client: Client, cast: Cast, town_units: None) -> None:
    from lianyun.cases.models import RectificationItem
    from lianyun.regions.models import Unit, UnitKind

    _file(client, cast)
    petition = Petition.objects.get()
    handler = _handler(cast)
    handler.post(reverse("petitions:petition-accept", args=[petition.pk]))
    committee = Unit.objects.get(kind=UnitKind.VILLAGE_COMMITTEE, region=cast.village_a1)
    handler.post(
        reverse("petitions:petition-rectify", args=[petition.pk]),
        {
            "title": "补发低保金",
            "measures": "",
            "owner_unit": committee.pk,
            "responsible": "镇民政办",
            "deadline": "2099-01-31",
        },
    )
    item = RectificationItem.objects.get()
    assert item.confidential and not item.is_public
    assert (
        "补发低保金"
        not in client.get(reverse("rectifications:rectification-list")).content.decode()
    )
