"""A required field left empty is named in the page's language, in Debian's chromium: the
browser's own words ("Please fill out this field.", "Please check this box if you want to
proceed.") came in the browser's language whatever the page's (found walking the demo in
Turkish and Ukrainian)."""

from __future__ import annotations

import contextlib

import pytest
from tests.web.browsing import open_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect


def test_an_empty_required_field_is_named_in_the_pages_language(browser_site) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    admin = open_in(browser, base, site, "secretariat", "uk", 1366)
    admin.goto(f"{base}/processes/new")
    admin.click("#process-form button[type=submit]")
    name = admin.locator("#process-name")
    expect(name).to_have_js_property("validationMessage", "Будь ласка, заповніть це поле.")
    assert admin.url.endswith("/processes/new")  # not sent
    name.fill("Переговори")
    expect(name).to_have_js_property("validationMessage", "")  # cleared as it is typed
    admin.context.close()
    un = open_in(browser, base, site, "un", "uk", 390)
    un.goto(f"{base}/tracks/{site.tracks['food corridor']}/draft")
    un.click("#draft-form button[type=submit]")  # saved: the draft's page, its publish form
    un.click("#publish-form button[type=submit]")  # the preview not ticked as read
    expect(un.locator("#confirm")).to_have_js_property(
        "validationMessage", "Будь ласка, позначте це поле, щоб продовжити."
    )
    un.check("#confirm")
    expect(un.locator("#confirm")).to_have_js_property("validationMessage", "")
    un.context.close()
