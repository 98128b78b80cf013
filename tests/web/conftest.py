"""Fixtures of the web tests: the demo site on a fresh SQLite database per test; for the browser
tests, the site served on a real port with Debian's chromium launched (``browser_site``) and the
screenshot folder (``shots``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.server import CHROMIUM_ARGS, chromium_path, serve
from tests.web.site import Site, settings_for


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo process on a fresh database, served in-process."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web')}/gobetween.db"
    built = Site.build(settings_for(url))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``$GOBETWEEN_SCREENSHOTS`` when set, else the test's folder."""
    folder = Path(os.environ.get("GOBETWEEN_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser_site(tmp_path: Path) -> Iterator[tuple[str, Site, object]]:
    """The demo site on a free port and Debian's chromium: ``(base URL, site, browser)``."""
    try:
        from playwright import sync_api as playwright_api
    except ImportError:  # the `test` extra installs it; without it the browser tests cannot run
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
        if os.environ.get("GOBETWEEN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and GOBETWEEN_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    executable = chromium_path()
    with serve(tmp_path) as (base, site), playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield base, site, browser
        finally:
            browser.close()
