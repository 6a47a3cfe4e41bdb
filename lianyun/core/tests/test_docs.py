"""Every reference to a document of the repository names a file, a heading or a check that
exists: a newcomer who clones the repository can open each one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("lianyun", "config", "docs", "bench", "tests", "deploy")
SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".conf", ".js", ".css"}
# A file name ending in .md, then, if given, a section (§1.4, §design) or a security check (S21).
REFERENCE = re.compile(
    r"(?<![\w/.-])((?:docs/)?[\w-]+\.md)\b(?:#[\w-]+)?(?:`?\s*(?:§\s*([\w.]+)|(S\d+)\b))?"
)


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "Makefile"]
    this = Path(__file__).resolve()  # its examples of broken references are meant to be broken
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if path.suffix in SUFFIXES and not parts & {"node_modules", "__pycache__"}:
                files.append(path)
    return [path for path in files if path != this]


def target(name: str, referrer: Path) -> Path:
    if name.startswith("docs/") or referrer.parent != ROOT / "docs":
        candidates = [ROOT / name, ROOT / "docs" / name]
    else:
        candidates = [referrer.parent / name]
    return next((path for path in candidates if path.is_file()), candidates[0])


def headings(document: Path) -> list[str]:
    return [
        line.lstrip("#").strip().lower()
        for line in document.read_text("utf-8").splitlines()
        if line.startswith("#")
    ]


def broken_references(text: str, referrer: Path) -> list[str]:
    """What in `text` points at no document, no heading or no check."""
    broken = []
    for match in REFERENCE.finditer(text):
        name, section, check = match.groups()
        document = target(name, referrer)
        if not document.is_file():
            broken.append(f"{name}: no such file")
            continue
        if section:
            token = section.rstrip(".").lower()
            if not any(
                heading.startswith(token) and not heading[len(token) : len(token) + 1].isdigit()
                for heading in headings(document)
            ):
                broken.append(f"{name} §{section}: no such heading")
        if check and f"| {check} |" not in document.read_text("utf-8"):
            broken.append(f"{name} {check}: no such check")
    return broken


def test_every_document_reference_exists() -> None:
    broken = []
    for path in scanned_files():
        for problem in broken_references(path.read_text("utf-8", errors="replace"), path):
            broken.append(f"{path.relative_to(ROOT)}: {problem}")
    assert broken == []


def test_the_scan_sees_references_and_their_sections() -> None:
    files = scanned_files()
    assert ROOT / "lianyun" / "core" / "masking.py" in files
    referrer = ROOT / "lianyun" / "core" / "example.py"
    assert broken_references("see docs/domain.md §1.4 and docs/security.md S21", referrer) == []
    assert broken_references("(docs/security.md §design)", referrer) == []
    absent = "NOWHERE" + ".md"  # spelled in two parts, so this file cites no missing document
    assert broken_references(f"{absent} §1.4", referrer) == [f"{absent}: no such file"]
    assert broken_references("docs/domain.md §9.9", referrer) == [
        "docs/domain.md §9.9: no such heading"
    ]
    assert broken_references("docs/domain.md §1", referrer) == []
    assert broken_references("docs/domain.md §14", referrer) == [
        "docs/domain.md §14: no such heading"
    ]
    assert broken_references("docs/security.md S99", referrer) == [
        "docs/security.md S99: no such check"
    ]
    inside = ROOT / "docs" / "scaling.md"
    assert broken_references("see `ledger-layout.md`", inside) == []
    assert broken_references("see `security-checks.md`", inside) == [
        "security-checks.md: no such file"
    ]
