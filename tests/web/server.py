"""A real HTTP server for the browser tests: uvicorn in a thread on a free port, demo data in a
temporary SQLite database, and Debian's chromium driven by Playwright (never a downloaded one).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp
from tests.service.world import make_settings
from tests.web.site import Site

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's chromium, or skip (fail when ``GOBETWEEN_REQUIRE_BROWSER=1``).

    Also sets how long Playwright's ``expect`` waits for a page to reach what a test asserts:
    15 s, not its 5 s. In a full run three test processes, their servers and chromium share two
    cores; signing three instruments in the browser (a request, a signature and a post each)
    took 0.4-0.6 s alone and more than 5 s once in CI (stop 27). The wait bounds nothing a user
    is promised; the pages' speed is bounded by the budget tests (tests/web/test_budget.py)."""
    with contextlib.suppress(ImportError):
        from playwright.sync_api import expect

        expect.set_options(timeout=15_000)
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    if found:
        return found
    reason = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("GOBETWEEN_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " and GOBETWEEN_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[tuple[str, Site]]:
    """The demo site served over HTTP on 127.0.0.1; yields its base URL and the site."""
    settings = make_settings(
        f"sqlite:///{folder}/gobetween.db", secure_cookies=False, sse_poll_seconds=0.2
    )
    site = Site.build(settings)
    try:
        with serve_app(site.app) as base:
            yield base, site
    finally:
        site.close()


@contextlib.contextmanager
def serve_app(app: ASGIApp) -> Iterator[str]:
    """``app`` under a real uvicorn server in a thread on a free loopback port; yields its URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
