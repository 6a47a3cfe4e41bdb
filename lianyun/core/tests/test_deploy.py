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
    "missing", ["LIANYUN_SECRET_KEY", "LIANYUN_DATA_KEYS", "LIANYUN_INDEX_KEY"]
)
def test_production_refuses_to_start_without_its_keys(missing: str) -> None:
    env = _production_env()
    del env[missing]
    result = _lianyun("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
