"""Both languages are complete: every string in code and templates has its Chinese text, in
the context it is used in (pgettext) where the same English means different things."""

import gettext
import io
from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "lianyun" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "ngettext": (1, 2),
    "gettext_noop": None,
}


def _sources() -> list[Path]:
    skip = {".venv", "var", "tests", "migrations", "bench", "node_modules"}
    files = []
    for pattern in (
        "lianyun/**/*.py",
        "config/**/*.py",
        "lianyun/**/*.html",
        "templates/**/*.html",
    ):
        files += [p for p in ROOT.glob(pattern) if not skip & set(p.relative_to(ROOT).parts)]
    return files


Key = tuple[str | None, str]  # (context, msgid)


def _msgids() -> set[Key]:
    found: set[Key] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = templatize(text, origin=str(path))
        for _line, func, message, _comments in extract_python(
            io.BytesIO(text.encode()), KEYWORDS, [], {}
        ):
            if func.startswith("pgettext"):
                context, msgid = message
                if msgid:
                    found.add((context, msgid))
                continue
            first = message[0] if isinstance(message, tuple) else message
            if first:
                found.add((None, first))
    return found


def _catalog() -> dict[Key, tuple[str, ...]]:
    """(context, msgid (the singular, for plurals)) → its translations (one, or one per plural
    form)."""
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    return {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id): (
            tuple(m.string) if isinstance(m.string, tuple | list) else (m.string,)
        )
        for m in catalog
        if m.id and not m.fuzzy
    }


def test_every_string_has_a_chinese_translation() -> None:
    catalog = _catalog()
    missing = sorted(
        f"{context}|{msgid}" if context else msgid
        for context, msgid in _msgids()
        if not all(catalog.get((context, msgid)) or ("",))
    )
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)


def test_the_compiled_catalogue_matches_the_source() -> None:
    with PO.open("rb") as handle:
        plurals = {m.id[0]: m.id[1] for m in read_po(handle) if isinstance(m.id, tuple)}
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, msgid), texts in _catalog().items():
        if context:
            shown = compiled.pgettext(context, msgid)
        elif msgid in plurals:
            shown = compiled.ngettext(msgid, plurals[msgid], 1)
        else:
            shown = compiled.gettext(msgid)
        assert shown == texts[0], "run `make messages` to recompile: " + msgid
