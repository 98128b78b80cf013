"""A word longer than the screen (a name typed without spaces, a pasted link) breaks where it
must, in Debian's chromium on a 390 px phone: before, a process named with 200 letters made the
home page and the new track's page wider than the screen (36,988 px with a 3,000-letter
description), and a message holding a long link made the channel scroll sideways (found
walking the demo)."""

from __future__ import annotations

import contextlib

import pytest
from tests.web.browsing import no_horizontal_scroll, open_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

LONG = "Y" * 200
LINK = "https://example.org/" + "a" * 400


def test_long_words_wrap_on_a_phone(browser_site) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    admin = open_in(browser, base, site, "secretariat", "tr", 390)
    admin.goto(f"{base}/processes/new")
    admin.fill("#process-name", LONG)
    admin.fill("#process-description", "D" * 3000)
    admin.fill("#process-parties", "A\nB")
    admin.fill("#process-mediators", "M")
    admin.click("#process-form button[type=submit]")
    expect(admin.locator("h1")).to_contain_text(LONG)
    no_horizontal_scroll(admin)  # the new track's page
    admin.goto(f"{base}/")
    expect(admin.locator("main")).to_contain_text(LONG)
    no_horizontal_scroll(admin)
    russia = open_in(browser, base, site, "russia", "ru", 390)
    russia.goto(f"{base}/tracks/{site.tracks['food corridor']}/channel")
    russia.fill("#message-text", LINK)
    russia.click("#composer button[type=submit]")
    expect(russia.locator("#messages li.mine").last).to_contain_text(LINK[:60])
    no_horizontal_scroll(russia)
    for page in (admin, russia):
        page.context.close()
