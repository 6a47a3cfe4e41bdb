import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lianyun.accounts.actions import create_account
from lianyun.core.roles import Role
from lianyun.policies.actions import import_catalogue, update_item
from lianyun.policies.models import PolicyCategory, SubsidyItem
from lianyun.policies.queries import find_item, search_items
from lianyun.regions.models import Unit
from lianyun.testing import Cast, load_catalogue

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
REQUIRED = [
    "城乡最低生活保障金",
    "特困人员救助供养金",
    "临时救助金",
    "高龄津贴",
    "困难残疾人生活补贴",
    "重度残疾人护理补贴",
    "耕地地力保护补贴",
    "森林生态效益补偿",
    "城乡居民基本养老保险基础养老金",
    "农村部分计划生育家庭奖励扶助金",
    "退耕还林补助",
]


@pytest.fixture
def catalogue(cast: Cast) -> dict:  # type: ignore[type-arg]
    return load_catalogue(cast)


def test_the_eleven_categories_come_with_the_database(db: None) -> None:
    assert list(PolicyCategory.objects.values_list("name", flat=True)) == [
        "农业",
        "林业",
        "民政救助",
        "养老保险",
        "医疗保障",
        "残疾人",
        "卫健计生",
        "退役军人优抚",
        "教育资助",
        "住房保障",
        "水利移民",
    ]


def test_the_seeded_library_holds_the_named_items(catalogue: dict) -> None:  # type: ignore[type-arg]
    assert set(REQUIRED) <= set(SubsidyItem.objects.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("低保金", "城乡最低生活保障金"),
        ("五保供养金", "特困人员救助供养金"),
        ("基础养老金", "城乡居民基本养老保险基础养老金"),
        ("公益林补偿", "森林生态效益补偿"),
    ],
)
def test_items_are_found_by_alias(catalogue: dict, alias: str, name: str) -> None:  # type: ignore[type-arg]
    item = find_item(alias)
    assert item is not None
    assert item.name == name
    assert find_item("不存在的补贴") is None


def test_a_file_that_names_an_item_by_alias_updates_it(catalogue: dict) -> None:  # type: ignore[type-arg]
    row = dict(next(i for i in catalogue["items"] if i["code"] == "dibao"))
    row.update(name="低保金", standard="每人每月按差额发放（2026 年标准）")
    result = import_catalogue({"items": [row]})
    assert (result.created, result.updated) == (0, 1)
    item = SubsidyItem.objects.get(code="dibao")
    assert item.name == "城乡最低生活保障金"
    assert item.version == 2  # created by the fixture, then updated once
    assert item.versions.count() == item.version - 1


def test_a_bad_catalogue_lists_every_problem_and_changes_nothing(
    catalogue: dict, tmp_path: Path
) -> None:  # type: ignore[type-arg]
    before = list(SubsidyItem.objects.values_list("name", "version"))
    bad = {
        "items": [
            {**catalogue["items"][0], "amount": "-5"},
            {**catalogue["items"][1], "department": "不存在的局"},
            {**catalogue["items"][2], "effective_from": "2026-13-01"},
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_policies", str(path))
    message = str(caught.value)
    assert (
        "未导入" in message
        and "不存在的局" in message
        and "2026-13-01" in message
        and "amount" in message
    )
    assert list(SubsidyItem.objects.values_list("name", "version")) == before


def test_only_the_owning_department_edits_and_every_edit_keeps_a_version(
    catalogue: dict, cast: Cast
) -> None:  # type: ignore[type-arg]
    minzheng = Unit.objects.get(name="平昌县民政局")
    forestry = Unit.objects.get(name="平昌县林业局")
    owner = create_account(
        username="mz",
        password="x" * 12,
        role=Role.COUNTY_DEPARTMENT,
        region=cast.county,
        unit=minzheng,
    ).user
    other = create_account(
        username="ly",
        password="x" * 12,
        role=Role.COUNTY_DEPARTMENT,
        region=cast.county,
        unit=forestry,
    ).user
    item = SubsidyItem.objects.get(code="dibao")
    url = reverse("policies:subsidyitem-edit", args=[item.pk])
    for user, status in ((other, 404), (cast.county_inspector.user, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    client = Client()
    client.force_login(owner)
    form = {
        f: getattr(item, f) or ""
        for f in [
            "standard",
            "amount_unit",
            "frequency",
            "eligibility",
            "how_to_apply",
            "legal_basis",
            "aliases",
        ]
    }
    form.update(effective_from="2026-01-01", amount="638.00")
    assert client.post(url, form).status_code == 302
    item.refresh_from_db()
    assert str(item.amount) == "638.00"
    assert item.versions.count() == item.version - 1
    response = client.post(url, {**form, "effective_to": "2025-01-01"})
    assert response.status_code == 400
    assert "生效" in response.content.decode()
    item.refresh_from_db()
    assert item.effective_to is None


def test_dibao_conditions_are_one_click_from_the_home_page(client: Client, catalogue: dict) -> None:  # type: ignore[type-arg]
    home = client.get("/").content.decode()
    assert reverse("policies:subsidyitem-detail", args=["dibao"]) in home
    page = client.get(reverse("policies:subsidyitem-detail", args=["dibao"])).content.decode()
    assert "月人均收入低于当地最低生活保障标准" in page


def test_search_finds_by_name_alias_and_category(catalogue: dict, client: Client) -> None:  # type: ignore[type-arg]
    assert [i.code for i in search_items("低保")][:1] == ["dibao"]
    assert {i.code for i in search_items("林业")} >= {"forest_ecology", "grain_for_green"}
    page = client.get(reverse("policies:subsidyitem-list") + "?q=退耕").content.decode()
    assert "退耕还林补助" in page and "高龄津贴" not in page


def test_update_refuses_a_negative_amount(catalogue: dict) -> None:  # type: ignore[type-arg]
    from django.core.exceptions import ValidationError

    item = SubsidyItem.objects.get(code="old_age_allowance")
    with pytest.raises(ValidationError):
        update_item(item=item, changes={"amount": "-1"}, actor=None)
    item.refresh_from_db()
    assert item.version == 1


def test_every_category_has_items_and_search_finds_them_by_any_word(catalogue: dict) -> None:  # type: ignore[type-arg]
    for category in PolicyCategory.objects.all():
        assert SubsidyItem.objects.filter(category=category).exists(), category.name
    assert {i.code for i in search_items("医疗")} >= {"medical_insurance_aid", "medical_assistance"}
    assert [i.code for i in search_items("危房 改造")] == ["rural_housing_repair"]
    assert "reservoir_resettlement" in {i.code for i in search_items("移民")}
    assert "rain_dew" in {i.code for i in search_items("中职")}  # a word of its conditions
    # A figure not known for the county says so instead of inventing one.
    assert "未录入" in SubsidyItem.objects.get(code="rural_housing_repair").standard


def test_a_policy_page_leads_to_the_lookup_the_village_board_and_the_articles(
    catalogue: dict,  # type: ignore[type-arg]
    cast: Cast,
) -> None:
    client = Client()
    page = client.get(reverse("policies:subsidyitem-detail", args=["dibao"])).content.decode()
    assert reverse("ledger:payout-lookup") in page and 'data-test="village-picker"' in page
    assert reverse("learning:article-list") + "?item=dibao" in page
    dibao = SubsidyItem.objects.get(code="dibao")
    board = client.get(
        reverse("ledger:board-pick"), {"village": cast.village_a1.code, "item": "dibao"}
    )
    assert board["Location"] == (
        reverse("ledger:board-detail", args=[cast.village_a1.code])
        + f"?item={dibao.pk}&range=this_year"
    )
