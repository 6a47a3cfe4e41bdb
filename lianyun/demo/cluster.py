"""The demo county on several processes, as production runs it: two application servers
(gunicorn, two workers each) and two task workers (huey, one running the schedule) over one
PostgreSQL database and one Redis, behind a round-robin front that also serves the collected
static files (what nginx does). Each request may land on either server, so anything kept in
one process's memory or on one server's disk shows up as a broken journey.

Used by the browser journeys (`LIANYUN_E2E_CLUSTER=<postgres URL>`) and by hand:

    python -m lianyun.demo.cluster postgres://postgres@127.0.0.1:5432/test
"""

import http.client
import itertools
import mimetypes
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from lianyun.demo.devserver import DemoServer, free_port

ROOT = Path(__file__).resolve().parents[2]
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}


class Front(ThreadingHTTPServer):
    """Round-robin reverse proxy over the application servers; /static/ from disk."""

    daemon_threads = True

    def __init__(self, port: int, upstreams: list[int], static_root: Path) -> None:
        self.upstreams = upstreams
        self.turn = itertools.cycle(upstreams)
        self.lock = threading.Lock()
        self.static_root = static_root.resolve()
        self.served: Counter[int] = Counter()
        super().__init__(("127.0.0.1", port), _Handler)

    def next_upstream(self) -> int:
        with self.lock:
            port = next(self.turn)
            self.served[port] += 1
            return port


class _Handler(BaseHTTPRequestHandler):
    server: Front
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return  # no access log: the front keeps no addresses

    def _static(self) -> None:
        relative = urlsplit(self.path).path.removeprefix("/static/")
        path = (self.server.static_root / relative).resolve()
        if not path.is_relative_to(self.server.static_root) or not path.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header(
            "Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _forward(self) -> None:
        if self.path.startswith("/static/"):
            self._static()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        headers["X-Forwarded-Proto"] = "http"
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.next_upstream(), timeout=120)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = _forward


def _lianyun(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 - our own entry point with fixed arguments
        [sys.executable, "-m", "lianyun.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback only
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def _database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of admin_url, dropped afterwards."""
    import psycopg

    name = f"lianyun_cluster_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def demo_cluster(
    data_dir: Path,
    admin_url: str,
    *,
    redis_url: str = "redis://127.0.0.1:6379/9",
    scale: str = "small",
) -> Iterator[tuple[DemoServer, Front]]:
    import redis

    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    with _database(admin_url) as database_url:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            LIANYUN_DATA_DIR=str(data_dir),
            LIANYUN_ENV="development",
            LIANYUN_DEBUG="false",
            LIANYUN_TASKS_IMMEDIATE="false",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            LIANYUN_WORKERS="2",
        )
        _lianyun(env, "migrate", "--noinput", "-v0")
        _lianyun(env, "collectstatic", "--noinput", "-v0")
        output = _lianyun(env, "load_demo", "--scale", scale, "--no-progress", "--reset")
        secrets = dict(
            re.findall(r"^\s+(\w+)\s+\w+\s+\d{12}\s+([A-Z2-7]{32})$", output, re.MULTILINE)
        )
        found = re.search(r"password for all: (\S+)\)", output)
        example = re.search(r"as (\S+), ID (\w+), card (\w+)", output)
        if found is None:
            raise RuntimeError("load_demo did not print the demo password")
        ports = [free_port(), free_port()]
        logs = data_dir / "logs"
        logs.mkdir(exist_ok=True)
        processes = []
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "deploy/gunicorn.conf.py",
                        "config.wsgi",
                    ],
                    cwd=ROOT,
                    env=env | {"LIANYUN_BIND": f"127.0.0.1:{port}"},
                    stdout=(logs / f"web-{port}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for n, extra in enumerate([[], ["--no-periodic"]], start=1):
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own worker
                    [
                        sys.executable,
                        "-m",
                        "lianyun.manage",
                        "run_huey",
                        "-w",
                        "2",
                        "-k",
                        "thread",
                        *extra,
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=(logs / f"worker-{n}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        front = Front(free_port(), ports, data_dir / "static")
        thread = threading.Thread(target=front.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{front.server_address[1]}"
        try:
            for port in ports:
                _wait(f"http://127.0.0.1:{port}/healthz")
            yield (
                DemoServer(
                    url=url,
                    password=found.group(1),
                    totp_secrets=secrets,
                    lookup=(example.group(1), example.group(2), example.group(3))
                    if example
                    else None,
                ),
                front,
            )
        finally:
            front.shutdown()
            front.server_close()
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            store.flushdb()


if __name__ == "__main__":
    import tempfile

    with demo_cluster(Path(tempfile.mkdtemp(prefix="lianyun-cluster-")), sys.argv[1]) as (
        served,
        _front,
    ):
        print(f"the demo county on two servers and two workers: {served.url} (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
