"""The consultation poll in Debian's chromium: both delegations wait on the poll's page on 390 px
phones, the mediator opens it on a desktop and puts a statement, which reaches the phones without
a reload (the page refreshes on the opening and on the poll's own live updates; a refresh while a
delegate is answering keeps what they chose and typed), both answer,
the mediator sees every answer and publishes the result, both phones show "not agreed by all
parties" without reloading, and neither shows the other's answer or comment.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (``docs/images`` for the guide).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_as

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect


def test_a_poll_on_phones(browser_site, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    un = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")
    ua = open_as(browser, base, site, "ukraine", 390, "Europe/Kyiv")
    ru = open_as(browser, base, site, "russia", 390, "Europe/Moscow")

    for phone in (ua, ru):  # on the tab before the poll opens
        phone.goto(f"{base}/tracks/{food}")
        phone.click("nav.tabs a[href$='/protocols/poll']")
        expect(phone.locator("#poll .empty")).to_contain_text("no consultation for you")
        expect(phone.locator("#live-status")).to_contain_text("Live updates on.")

    un.goto(f"{base}/tracks/{food}")
    un.click("nav.tabs a[href$='/protocols/poll']")
    un.fill("#poll-subject", "Ports of the corridor")
    un.click("#open button[type=submit]")
    un.fill("#put-text", "The corridor includes Chornomorsk and Pivdennyi.")
    un.click("#put button[type=submit]")
    expect(un.locator("#statement-1 .counts")).to_contain_text("no answer: 2")

    for phone in (ua, ru):  # the opening and the statement arrive without a reload
        expect(phone.locator("#statement-1 .statement-text")).to_contain_text("Chornomorsk")
        no_horizontal_scroll(phone)
    ua.check("#a-1-agree")
    ua.fill("#c-1", "Yes, and Izmail too.")
    # a second statement arrives while the delegate is half-way through answering the first: the
    # live refresh draws it and keeps the choice and the comment being typed
    un.fill("#put-text", "Inspections take place in Istanbul.")
    un.click("#put button[type=submit]")
    expect(ua.locator("#statement-2 .statement-text")).to_contain_text("Istanbul")
    expect(ua.locator("#a-1-agree")).to_be_checked()
    expect(ua.locator("#c-1")).to_have_value("Yes, and Izmail too.")
    ua.click("#statement-1 .answer-form button[type=submit]")
    expect(ua.locator("#statement-1 .own")).to_contain_text("Your answer: agree")
    ru.check("#a-1-disagree")
    ru.fill("#c-1", "Odesa only.")
    ru.click("#statement-1 .answer-form button[type=submit]")
    expect(ru.locator("#statement-1 .own")).to_contain_text("Your answer: disagree")
    no_horizontal_scroll(ua)
    ua.screenshot(path=shots / "poll-answer-phone.png", full_page=True)
    expect(ua.locator("#poll")).not_to_contain_text("Odesa only")

    un.reload()
    expect(un.locator("#statement-1 .counts")).to_contain_text("Agree: 1 · disagree: 1")
    un.screenshot(path=shots / "poll-mediators.png", full_page=True)
    un.click("#statement-1 .publish-form button[type=submit]")

    for phone in (ua, ru):  # the poll's live update refreshes it without a reload
        expect(phone.locator("#statement-1 .result")).to_have_text("Not agreed by all parties.")
        expect(phone.locator("#statement-1 form")).to_have_count(0)
        no_horizontal_scroll(phone)
    expect(ua.locator("#poll")).not_to_contain_text("Odesa only")
    expect(ru.locator("#poll")).not_to_contain_text("Izmail")
    ua.screenshot(path=shots / "poll-result-phone.png", full_page=True)

    # the mediator reads the poll in Arabic on a 1366 px laptop: right to left, nothing wider
    # than the window, the result and the counts in Arabic
    un.set_viewport_size({"width": 1366, "height": 800})
    un.select_option("#language-choice", "ar")
    expect(un.locator("html")).to_have_attribute("dir", "rtl")
    expect(un.locator("#statement-1 .result")).to_have_text("لم توافق عليه جميع الأطراف.")
    no_horizontal_scroll(un)
    un.screenshot(path=shots / "poll-mediators-ar.png", full_page=True)
    for p in (un, ua, ru):
        assert p.errors == []  # type: ignore[attr-defined]
