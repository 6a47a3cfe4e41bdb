"""Project checks run by `lianyun check --deploy`: the Content Security Policy must be there,
enforced and strict (docs/security.md S10), since every page's defence against injected script
rests on it."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

MIDDLEWARE = "csp.middleware.CSPMiddleware"
# Directives a strict policy sets, and what they must say where a value is fixed.
REQUIRED = ("default-src", "script-src", "object-src", "base-uri", "frame-ancestors", "form-action")
MUST_BE_NONE = ("object-src", "frame-ancestors")
# Sources that let script or content in from anywhere or inline.
WEAK = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "*",
    "http:",
    "https:",
    "data:",
    "blob:",
}
SCRIPT_DIRECTIVES = ("default-src", "script-src", "script-src-elem", "script-src-attr")


def _directives() -> dict[str, Any] | None:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if not isinstance(policy, dict) or not isinstance(policy.get("DIRECTIVES"), dict):
        return None
    return policy["DIRECTIVES"]


def _sources(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


@register(Tags.security, deploy=True)
def check_content_security_policy(**_kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    directives = _directives()
    if directives is None or MIDDLEWARE not in settings.MIDDLEWARE:
        return [
            Error(
                "没有强制执行的内容安全策略 (CSP)。 No Content Security Policy is enforced.",
                hint=f"Set CONTENT_SECURITY_POLICY['DIRECTIVES'] and add {MIDDLEWARE}.",
                id="lianyun.E001",
            )
        ]
    for name in REQUIRED:
        if name not in directives:
            problems.append(
                Error(
                    f"内容安全策略缺少 {name}。 The Content Security Policy does not set {name}.",
                    id="lianyun.E002",
                )
            )
    for name in MUST_BE_NONE:
        if name in directives and _sources(directives[name]) != ["'none'"]:
            problems.append(
                Error(
                    f"内容安全策略的 {name} 应为 'none'。 {name} must be 'none'.",
                    id="lianyun.E003",
                )
            )
    for name in SCRIPT_DIRECTIVES:
        weak = sorted(WEAK & set(_sources(directives.get(name, []))))
        if weak:
            problems.append(
                Error(
                    f"内容安全策略的 {name} 允许 {' '.join(weak)}。 "
                    f"{name} allows {' '.join(weak)}.",
                    hint="Scripts come from the site itself, with a nonce, and nothing inline.",
                    id="lianyun.E004",
                )
            )
    for name, value in directives.items():
        if name in SCRIPT_DIRECTIVES:
            continue
        if "*" in _sources(value) or "'unsafe-inline'" in _sources(value):
            problems.append(
                Warning(
                    f"内容安全策略的 {name} 过宽。 {name} allows any source or inline content.",
                    id="lianyun.W001",
                )
            )
    return problems


SQLITE_NEEDS = ("journal_mode=WAL", "busy_timeout=")


@register(Tags.database)
def check_sqlite_is_safe(**_kwargs: Any) -> list[CheckMessage]:
    return sqlite_problems(settings.DATABASES)


def sqlite_problems(databases: dict[str, dict[str, Any]]) -> list[CheckMessage]:
    """Every SQLite database runs in WAL mode, waits for the lock, and takes it up front:
    otherwise concurrent writers answer "database is locked" and their input is lost."""
    problems: list[CheckMessage] = []
    for alias, database in databases.items():
        if not str(database.get("ENGINE", "")).endswith("sqlite3"):
            continue
        options = database.get("OPTIONS", {})
        pragmas = str(options.get("init_command", ""))
        if options.get("transaction_mode") != "IMMEDIATE" or not all(
            need in pragmas for need in SQLITE_NEEDS
        ):
            problems.append(
                Error(
                    f"SQLite database {alias!r} lacks its safety settings (IMMEDIATE "
                    "transactions, WAL, a busy timeout).",
                    hint="Name it by DATABASE_URL=sqlite:///path, or copy "
                    "config.settings._sqlite().",
                    id="lianyun.E010",
                )
            )
    return problems
