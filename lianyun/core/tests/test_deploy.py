"""S10: the production configuration passes Django's deployment checks with no warning."""

import base64
import os
import subprocess
import sys
import tempfile

import pytest


def _production_env() -> dict[str, str]:
    env = dict(os.environ)
    env["LIANYUN_DATA_DIR"] = tempfile.mkdtemp(prefix="lianyun-deploy-")
    env.update(
        LIANYUN_ENV="production",
        LIANYUN_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        LIANYUN_DATA_KEYS="1:" + base64.b64encode(os.urandom(32)).decode(),
        LIANYUN_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
        LIANYUN_PUBLICATION_KEYS="1:" + base64.b64encode(os.urandom(32)).decode(),
        LIANYUN_ALLOWED_HOSTS="lianyun.example.gov.cn",
    )
    env.pop("LIANYUN_DEBUG", None)
    return env


def _lianyun(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "lianyun.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_settings() -> None:
    result = _lianyun("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing",
    ["LIANYUN_SECRET_KEY", "LIANYUN_DATA_KEYS", "LIANYUN_INDEX_KEY", "LIANYUN_PUBLICATION_KEYS"],
)
def test_production_refuses_to_start_without_its_keys(missing: str) -> None:
    env = _production_env()
    del env[missing]
    result = _lianyun("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _ids(directives: dict[str, list[str]] | None) -> list[str]:
    from django.test import override_settings

    from lianyun.core.checks import check_content_security_policy

    policy = {"DIRECTIVES": directives} if directives is not None else {}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        return [m.id for m in check_content_security_policy()]  # type: ignore[misc]


def test_the_project_policy_passes_its_own_check() -> None:
    from lianyun.core.checks import check_content_security_policy

    assert check_content_security_policy() == []
    assert _ids(STRICT) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"script-src": ["'self'", "'unsafe-inline'"]}, "lianyun.E004"),
        ({"default-src": ["*"]}, "lianyun.E004"),
        ({"script-src": ["https:"]}, "lianyun.E004"),
        ({"object-src": ["'self'"]}, "lianyun.E003"),
        ({"style-src": ["'unsafe-inline'"]}, "lianyun.W001"),
    ],
)
def test_a_weak_policy_fails_the_deploy_check(change: dict[str, list[str]], expected: str) -> None:
    assert expected in _ids(STRICT | change)


def test_a_missing_policy_or_directive_fails_the_deploy_check() -> None:
    assert _ids(None) == ["lianyun.E001"]
    assert _ids({k: v for k, v in STRICT.items() if k != "frame-ancestors"}) == ["lianyun.E002"]


def test_check_deploy_fails_on_a_weak_policy_in_production() -> None:
    env = _production_env()
    env["DJANGO_SETTINGS_MODULE"] = "lianyun.core.tests.weak_csp_settings"
    result = _lianyun("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "lianyun.E004" in result.stderr


def test_the_gunicorn_config_serves_and_logs_no_client_details(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ) | {
        "LIANYUN_DATA_DIR": str(tmp_path),
        "LIANYUN_BIND": f"127.0.0.1:{port}",
        "LIANYUN_WORKERS": "1",
    }
    env.pop("DATABASE_URL", None)
    _lianyun("migrate", "-v0", env=env)
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz?canary=q", headers={"User-Agent": "canary-agent-7"}
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    written = log.read()
    assert '"GET /healthz" 200' in written, written
    assert "canary-agent-7" not in written and "canary=q" not in written
