"""A real server over a real demo database, and Debian's Chromium to drive it.

The server is the `lianyun` command in its own process (migrate, load_demo, runserver), so
the journey exercises the same steps as `make demo`.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from lianyun.demo.cluster import Front, demo_cluster
from lianyun.demo.devserver import DemoServer, demo_server

CHROMIUM = os.environ.get("LIANYUN_CHROMIUM", "/usr/bin/chromium")

# A busy machine (two test suites side by side) can take more than Playwright's default five
# seconds to answer a form; the journeys wait up to fifteen.
expect.set_options(timeout=15_000)


# With LIANYUN_E2E_CLUSTER=<a PostgreSQL URL> the journeys run against two application servers
# and two task workers on one PostgreSQL database and one Redis, behind a round-robin front.
CLUSTER = os.environ.get("LIANYUN_E2E_CLUSTER", "")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoServer, Front] | None]:
    if not CLUSTER:
        yield None
        return
    with demo_cluster(tmp_path_factory.mktemp("cluster"), CLUSTER) as running:
        yield running


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory, cluster: tuple[DemoServer, Front] | None
) -> Iterator[DemoServer]:
    if cluster is not None:
        yield cluster[0]
        return
    with demo_server(tmp_path_factory.mktemp("demo")) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
