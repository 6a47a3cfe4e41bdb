"""How views are written here (docs/style.md): a view reads through its app's queries.py or
access.py and writes through one action; a form post is one core.views.post_form call. These
rules are read off the source, so that they stay true."""

import ast
from pathlib import Path

LIANYUN = Path(__file__).resolve().parents[2]
# The QuerySet methods that build or run a query. `.all()` is allowed: a view or an API's
# serializer reads a relation that its query fetched beforehand (prefetch_related).
QUERYING = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "order_by",
    "annotate",
    "aggregate",
    "values_list",
    "distinct",
    "exists",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "in_bulk",
    "iterator",
    "latest",
    "earliest",
    "only",
    "defer",
}
NO_ARGUMENTS = {"first", "last", "count"}  # as list.count(x) takes one, QuerySet.count() none
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
SWITCHES = {"op", "action"}


def view_modules() -> list[Path]:
    return sorted([*LIANYUN.glob("*/views.py"), *LIANYUN.glob("*/api.py")])


def orm_in(source: str) -> list[str]:
    """Where a module queries the database itself, by line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in SHORTCUTS:
                found.append(f"{node.lineno}: {function.id}")
            elif isinstance(function, ast.Attribute) and (
                function.attr in QUERYING
                or (function.attr in NO_ARGUMENTS and not node.args and not node.keywords)
            ):
                found.append(f"{node.lineno}: .{function.attr}()")
    return found


def switches_in(source: str) -> list[str]:
    """Where a module picks what a POST does by a field of the form (POST["op"] and the like)
    instead of by its URL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "POST"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in SWITCHES
        ):
            found.append(f"{node.lineno}: POST.get({node.args[0].value!r})")
    return found


def test_views_make_no_queries_of_their_own() -> None:
    found = {
        str(path.relative_to(LIANYUN)): problems
        for path in view_modules()
        if (problems := orm_in(path.read_text("utf-8")))
    }
    assert found == {}


def test_a_post_does_one_thing_named_by_its_url() -> None:
    found = {
        str(path.relative_to(LIANYUN)): problems
        for path in view_modules()
        if (problems := switches_in(path.read_text("utf-8")))
    }
    assert found == {}


def test_the_rules_see_what_they_forbid() -> None:
    assert view_modules()
    sample = """
def page(request, pk):
    item = Item.objects.filter(pk=pk).first()
    rows = item.rows.select_related("x")
    n = item.rows.count()
    kept = ["a"].count("a")
    seen = item.rows.all()
    get_object_or_404(Item, pk=pk)
    if request.POST.get("op") == "create":
        pass
"""
    assert sorted(orm_in(sample)) == [
        "3: .filter()",
        "3: .first()",
        "3: .objects",
        "4: .select_related()",
        "5: .count()",
        "8: get_object_or_404",
    ]
    assert switches_in(sample) == ["9: POST.get('op')"]
