"""A region's 12-digit statistical code (统计用区划代码) taken apart: the one place that knows
its layout. 6 digits of county, 3 of town, 3 of village; a town's code ends in 000, a county's
in 000000 (docs/domain.md §5.3)."""

COUNTY_DIGITS = 6
TOWN_DIGITS = 9
CODE_DIGITS = 12


def county_prefix(code: str) -> str:
    """The digits every code in the county of `code` starts with."""
    return code[:COUNTY_DIGITS]


def town_prefix(code: str) -> str:
    """The digits every code in the town of `code` starts with."""
    return code[:TOWN_DIGITS]


def county_code(code: str) -> str:
    """The code of the county `code` lies in."""
    return county_prefix(code).ljust(CODE_DIGITS, "0")


def town_code(code: str) -> str:
    """The code of the town `code` lies in (a county's own code for a county)."""
    return town_prefix(code).ljust(CODE_DIGITS, "0")


def town_number(code: str) -> int:
    """The town's three digits: 0 for a county, 1-99 a 街道, 100-199 a 镇, 200-299 a 乡."""
    return int(code[COUNTY_DIGITS:TOWN_DIGITS])


def village_number(code: str) -> int:
    """The village's three digits: 0 for a town or county, 1-199 a 社区, 200-399 a 村."""
    return int(code[TOWN_DIGITS:])


def parent_code(code: str) -> str | None:
    """The code of the region above: a village's town, a town's county; None for a county."""
    if village_number(code):
        return town_code(code)
    if town_number(code):
        return county_code(code)
    return None
