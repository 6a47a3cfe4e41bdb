"""Every grouped count clears the queryset's ordering first.

An ordering on a queryset (an explicit order_by, or a model's Meta.ordering that a caller
applied) joins Django's GROUP BY: `Flag.objects.order_by("-stake").values("rule")
.annotate(n=Count("id"))` counts each flag as a group of one. The filter on 大数据比对 showed
"(1)" beside every rule that way. So each `.values(...)`/`.values_list(...)` followed by
`.annotate(...)` in the code has an argument-less `.order_by()` in its chain, and this test reads
the code to hold it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GROUPING = {"values", "values_list"}


def _chain(node: ast.expr) -> list[ast.Call]:
    """The method calls of a chain, outermost first: a.b().c().d() → [d(), c(), b()]."""
    calls = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def _name(call: ast.Call) -> str:
    assert isinstance(call.func, ast.Attribute)
    return call.func.attr


def unordered_groupings(source: str) -> list[int]:
    """Lines of grouped counts (annotate after values) with no .order_by() to clear ordering."""
    tree = ast.parse(source)
    found = []
    chains = [
        _chain(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    covered: set[int] = set()  # ids of annotate calls inside a chain that clears its order
    for calls in chains:
        names = [_name(c) for c in calls]
        if any(n == "order_by" and not c.args for n, c in zip(names, calls, strict=True)):
            covered.update(id(c) for c in calls)
    for calls in chains:
        names = [_name(c) for c in calls]
        for i, name in enumerate(names):
            if (
                name == "annotate"
                and GROUPING & set(names[i + 1 :])
                and id(calls[i]) not in covered
            ):
                found.append(calls[i].lineno)
    return sorted(set(found))


def test_the_checker_finds_an_ordered_grouping_and_passes_a_cleared_one() -> None:
    assert unordered_groupings("x = Flag.objects.values('rule').annotate(n=Count('id'))") == [1]
    assert (
        unordered_groupings("x = Flag.objects.order_by().values('rule').annotate(n=Count('id'))")
        == []
    )
    assert (
        unordered_groupings("x = q.values_list('t', 'c').annotate(n=Count('id')).order_by()") == []
    )
    assert unordered_groupings("x = q.annotate(m=Trunc('d')).values('m')") == []


def test_no_grouped_count_keeps_an_ordering() -> None:
    code = sorted(p for p in (ROOT / "lianyun").rglob("*.py") if "tests" not in p.parts)
    assert len(code) > 100
    found = {}
    for path in code:
        lines = unordered_groupings(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}
