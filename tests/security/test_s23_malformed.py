"""S23: no input, however malformed, answers 500. Every GET route of the site, for an
anonymous visitor and for officials of each reach, gets every query parameter its view reads
(found in its module's source and in the page's own links and GET forms) set to each of a set
of malformed values, one at a time, and its text arguments replaced by them too."""

import inspect
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.security.conftest import World, client_for
from tests.security.routes import all_routes
from tests.security.test_s2_matrix import POLICY, _kwargs, _user

MALFORMED = [
    "a/b",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "99999999999999999999",
    "-1",
    "",
    "%ff\x00",
    "１２",  # full-width digits: str.isdigit() and int() take them, a database may not
    "²",  # str.isdigit() takes it, int() refuses it
    "x" * 3000,
]
PARAM = re.compile(r"""GET(?:\.get|\.getlist|\[)\(?\s*["']([\w-]+)["']""")
PERSONAS = ["anonymous", "villager", "town_secretary", "county_inspector"]


class _Links(HTMLParser):
    """Query parameter names of a page's own links and GET forms."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "?" in (found.get("href") or ""):
            self.names |= {k for k, _v in parse_qsl(urlsplit(found["href"] or "").query, True)}
        elif tag == "form":
            self._get_form = (found.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self._get_form and found.get("name"):
            self.names.add(found["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


def _source_params(view: object) -> set[str]:
    module = inspect.getmodule(view)
    path = Path(inspect.getfile(module)) if module else None
    return set(PARAM.findall(path.read_text("utf-8"))) if path else set()


def _views() -> dict[str, object]:
    views: dict[str, object] = {}

    def walk(patterns: list[object], namespace: str) -> None:
        for pattern in patterns:
            inner = getattr(pattern, "url_patterns", None)
            if inner is not None:
                name = getattr(pattern, "namespace", None)
                walk(inner, f"{namespace}{name}:" if name else namespace)
            elif getattr(pattern, "name", None):
                views[f"{namespace}{pattern.name}"] = pattern.callback  # type: ignore[attr-defined]

    walk(get_resolver().url_patterns, "")
    return views


def _problems(client: Client, url: str) -> list[str]:
    problems = []
    try:
        response = client.get(url)
    except Exception as error:  # the test client re-raises what would have been a 500
        return [f"{url[:160]}: {type(error).__name__}: {str(error)[:120]}"]
    if response.status_code >= 500:
        problems.append(f"{url[:160]}: {response.status_code}")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_malformed_query_or_path_answers_500(world: World, persona: str) -> None:
    views = _views()
    routes = {route.name: route for route in all_routes()}
    client = client_for(_user(world, persona))
    problems: list[str] = []
    for name, (_kind, method, obj) in POLICY.items():
        if method != "GET" or name not in routes:
            continue
        converters = routes[name].converters
        base = reverse(name, kwargs=_kwargs(world, converters, obj) or None)
        names = _source_params(views[name])
        page = client.get(base)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            links = _Links()
            links.feed(page.content.decode(errors="replace"))
            names |= links.names
        names -= {"csrfmiddlewaretoken"}
        for value in MALFORMED:
            for param in sorted(names):
                problems += _problems(client, f"{base}?{urlencode({param: value})}")
            # Text arguments of the path, each replaced by the malformed value.
            pattern = get_resolver().reverse_dict.getlist(views[name])
            if pattern and value and "/" not in value:
                for arg in converters:
                    kwargs = _kwargs(world, converters, obj)
                    if isinstance(kwargs.get(arg), str):
                        good = str(kwargs[arg])
                        problems += _problems(client, base.replace(good, quote(value), 1))
    assert problems == [], "\n".join(problems[:40])
