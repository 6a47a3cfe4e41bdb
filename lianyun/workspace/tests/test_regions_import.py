"""Setting a county up from the statistical code table: levels and forms from the codes, the
standard units, every bad row named, nothing half-written, and a second run changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from lianyun.regions.models import Region, RegionForm, RegionKind, Unit, UnitKind
from lianyun.workspace.actions import RegionFileRefused, import_regions

TABLE = (
    "统计用区划代码,名称\n"
    "511923000000,平昌县\n"
    "511923103201,石龙村\n"  # before its town: the order in the file does not matter
    "511923103000,佛楼镇\n"
    "511923103001,佛楼社区\n"
    "511923002000,江口街道\n"
    "511923201000,得胜乡\n"
)


@pytest.mark.django_db
def test_a_gbk_table_makes_the_tree_and_its_units_and_a_second_run_changes_nothing(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    table = tmp_path / "regions.csv"
    table.write_bytes(TABLE.encode("gbk"))
    departments = tmp_path / "departments.txt"
    departments.write_text("平昌县民政局\n平昌县农业农村局\n", "utf-8")
    call_command("import_regions", str(table), "--departments", str(departments))
    kinds = {
        r.code: (r.kind, r.form, r.parent.code if r.parent else None) for r in Region.objects.all()
    }
    assert kinds == {
        "511923000000": (RegionKind.COUNTY, RegionForm.COUNTY, None),
        "511923103000": (RegionKind.TOWN, RegionForm.TOWN, "511923000000"),
        "511923002000": (RegionKind.TOWN, RegionForm.SUBDISTRICT, "511923000000"),
        "511923201000": (RegionKind.TOWN, RegionForm.TOWNSHIP, "511923000000"),
        "511923103201": (RegionKind.VILLAGE, RegionForm.VILLAGE, "511923103000"),
        "511923103001": (RegionKind.VILLAGE, RegionForm.COMMUNITY, "511923103000"),
    }
    county_commission = Unit.objects.get(region__code="511923000000", kind=UnitKind.COMMISSION)
    assert county_commission.name == "中共平昌县纪律检查委员会 平昌县监察委员会"
    assert Unit.objects.get(name="佛楼镇纪律检查委员会").parent == county_commission
    assert set(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("name", flat=True)) == {
        "平昌县民政局",
        "平昌县农业农村局",
    }
    assert Unit.objects.filter(name="石龙村村务监督委员会").exists()
    assert Unit.objects.filter(name="佛楼社区居民委员会").exists()
    units = Unit.objects.count()
    assert units == 1 + 2 + 3 * 2 + 2 * 2

    again = import_regions(TABLE.replace("石龙村", "石龙新村").encode("utf-8"))
    assert (again.created, again.renamed, again.units) == (0, 1, 2)  # the new name's committees
    assert Region.objects.get(code="511923103201").name == "石龙新村"
    assert Region.objects.count() == 6


@pytest.mark.django_db
def test_every_bad_row_is_named_in_chinese_then_english_and_nothing_is_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "bad.csv"
    table.write_text(
        "代码,名称\n"
        "511923000000,平昌县\n"
        "51192310300,佛楼镇\n"  # 11 digits
        "511923999999,某地\n"  # village part 999: no such form
        "511923104201,无镇村\n"  # its town 511923104000 is nowhere
        "511923000000,平昌县\n"  # twice
        "511923105000,\n",  # no name
        "utf-8",
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_regions", str(table))
    message = str(raised.value)
    assert message.index("第3行") < message.index("Row 3:")
    for row in (3, 4, 5, 6, 7):
        assert f"Row {row}:" in message
    assert "511923104000" in message
    assert not Region.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_a_second_county_or_an_unknown_layout_is_refused() -> None:
    import_regions(TABLE.encode("utf-8"))
    with pytest.raises(RegionFileRefused) as raised:
        import_regions("统计用区划代码,名称\n511921000000,通江县\n".encode())
    with override("en"):
        assert "exactly one county" in raised.value.render()
    with pytest.raises(RegionFileRefused):
        import_regions("编号,地名\n511923000000,平昌县\n".encode())
    assert not Region.objects.filter(code="511921000000").exists()
