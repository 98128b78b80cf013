"""A demo user logged in through the login form of a real chromium, the way every browser test
starts, and the one layout check they share (nothing wider than the screen).

``logged_in`` is the one place; ``open_as`` (an English reader in a time zone) and ``open_in``
(a reader whose browser asks for a language) are its two common forms.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tests.web.site import Site

# the `test` extra installs Playwright; without it browser_site skips (conftest.py)
with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect


def logged_in(
    browser: Any,
    base: str,
    site: Site,
    seat: str,
    *,
    width: int,
    height: int = 800,
    lang: str = "en-GB",
    zone: str = "Europe/Kyiv",
    phone: bool = False,
    timeout: int = 10_000,
) -> Page:
    """A new browser context of ``width`` x ``height`` (a touch phone with ``phone``) whose
    user asks for ``lang`` in ``zone``, logged in as ``seat`` through the login form. The
    page's script errors are collected in ``page.errors`` for the test to check."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=lang,
        timezone_id=zone,
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(timeout)
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc} {exc.stack}"))
    page.errors = errors  # type: ignore[attr-defined]  # read at the end of each test
    page.goto(base + "/login")
    page.fill("#email", f"{seat}@demo.gobetween.org")
    page.fill("#password", site.passwords[seat])
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(base + "/")
    return page


def open_as(browser: Any, base: str, site: Site, seat: str, width: int, zone: str) -> Page:
    """``seat`` logged in, reading English on a ``width`` px screen in time zone ``zone``."""
    return logged_in(browser, base, site, seat, width=width, zone=zone)


def open_in(browser: Any, base: str, site: Site, seat: str, lang: str, width: int) -> Page:
    """``seat`` logged in through a browser that asks for ``lang`` (Kyiv's time for Ukrainian,
    Qatar's for the others)."""
    zone = "Europe/Kyiv" if lang.startswith("uk") else "Asia/Qatar"
    return logged_in(browser, base, site, seat, width=width, height=860, lang=lang, zone=zone)


def no_horizontal_scroll(page: Page) -> None:
    """Nothing on the page is wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def open_folds(page: Page) -> None:
    """Every fold of the page's main part open, as a reader opens them: a tap on each closed
    summary (the joint record's long parts are folded: gobetween.web.record_folds)."""
    closed = page.locator("main details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    expect(closed).to_have_count(0)
