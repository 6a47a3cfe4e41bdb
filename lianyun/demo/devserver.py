"""Run the demo county in a server process of its own: for browser journeys and screenshots.

The steps are `make demo`'s (migrate, load_demo, runserver) through the `lianyun` command,
so what a browser sees is what a newcomer gets. Imports nothing of Django's models.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoServer:
    url: str
    password: str
    totp_secrets: dict[str, str]  # username → TOTP secret, as load_demo printed them
    lookup: tuple[str, str, str] | None = (
        None  # a villager's name, ID and card for the payout lookup
    )


def _lianyun(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 - our own entry point with fixed arguments
        [sys.executable, "-m", "lianyun.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_server(
    data_dir: Path, *, scale: str = "small", port: int | None = None
) -> Iterator[DemoServer]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(LIANYUN_DATA_DIR=str(data_dir), LIANYUN_ENV="development", LIANYUN_DEBUG="true")
    _lianyun(env, "migrate", "--noinput", "-v0")
    output = _lianyun(env, "load_demo", "--scale", scale, "--no-progress", "--reset")
    secrets = dict(re.findall(r"^\s+(\w+)\s+\w+\s+\d{12}\s+([A-Z2-7]{32})$", output, re.MULTILINE))
    found = re.search(r"password for all: (\S+)\)", output)
    if found is None:
        raise RuntimeError("load_demo did not print the demo password")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "lianyun.manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the demo server did not answer on {url}")
        example = re.search(r"as (\S+), ID (\w+), card (\w+)", output)
        yield DemoServer(
            url=url,
            password=found.group(1),
            totp_secrets=secrets,
            lookup=(example.group(1), example.group(2), example.group(3)) if example else None,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
