from lianyun.regions import codes


def test_a_code_is_taken_apart_by_its_levels() -> None:
    village, town, county = "511923103201", "511923103000", "511923000000"
    assert codes.county_prefix(village) == "511923"
    assert codes.town_prefix(village) == "511923103"
    assert codes.county_code(village) == county
    assert codes.town_code(village) == town
    assert (codes.town_number(village), codes.village_number(village)) == (103, 201)
    assert codes.parent_code(village) == town
    assert codes.parent_code(town) == county
    assert codes.parent_code(county) is None
