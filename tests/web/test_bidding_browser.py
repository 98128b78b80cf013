"""Double-blind bidding in Debian's chromium: the mediator opens a bidding on a desktop, both
delegations bid on 390 px phones, the mediator releases the round, both phones show the
settlement without reloading (server-sent events), and neither shows the other's figure.

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


def test_a_bidding_on_phones(browser_site, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    page = f"{base}/tracks/{food}/bidding"
    un = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")
    ua = open_as(browser, base, site, "ukraine", 390, "Europe/Kyiv")
    ru = open_as(browser, base, site, "russia", 390, "Europe/Moscow")

    un.goto(page)
    un.select_option("#b-issue", "term")
    un.select_option("#b-payer", label="Russian Federation")
    un.select_option("#b-payee", label="Ukraine")
    un.fill("#b-rounds", "3")
    un.fill("#b-relative", "0.2")
    un.screenshot(path=shots / "bidding-open.png", full_page=True)
    un.click("#open button[type=submit]")
    expect(un.locator("#rounds h2")).to_have_text("Bids (mediators only)")

    for phone, amount in ((ua, "150"), (ru, "130")):
        phone.goto(f"{base}/tracks/{food}")
        phone.click("nav.tabs a[href$='/blind_bidding']")
        expect(phone.locator("#live-status")).to_contain_text("Live updates on.")
        no_horizontal_scroll(phone)
        phone.fill("#bid-amount", amount)
        phone.click("#bid button[type=submit]")
        expect(phone.locator("#bid .waiting")).to_contain_text("round 1 is in")
        no_horizontal_scroll(phone)
    ua.screenshot(path=shots / "bidding-sealed-phone.png", full_page=True)
    expect(ua.locator("#bidding")).not_to_contain_text("130")

    un.reload()
    expect(un.locator("#rounds tr[data-round='1']")).to_contain_text("not yet released")
    un.screenshot(path=shots / "bidding-mediators.png", full_page=True)
    un.click(".release-form button[type=submit]")

    for phone in (ua, ru):  # the live update reloads the bidding without a reload of the page
        expect(phone.locator("#agreed")).to_contain_text("Settled at 140 days")
        expect(phone.locator("#summary .status")).to_have_attribute("data-status", "settled")
        no_horizontal_scroll(phone)
    expect(ua.locator("#bidding")).not_to_contain_text("130")
    expect(ru.locator("#bidding")).not_to_contain_text("150")
    ru.screenshot(path=shots / "bidding-settled-phone.png", full_page=True)
    for p in (un, ua, ru):
        assert p.errors == []  # type: ignore[attr-defined]
