"""The whole corridor negotiation in Debian's chromium: two delegations and a mediator, each in
their own browser context, on a real server with the demo data.

Steps: log in; the Ukrainian delegate enters preferences on a 360 px phone; messages go both
ways and arrive without reloading (server-sent events); the mediator reads the analysis and
drafts a text from the Nash package; Ukraine rejects it with reasons; a second version is
accepted by both. At each step the test checks what each browser shows and what it must not.

Screenshots of the main screens go to ``$GOBETWEEN_SCREENSHOTS`` when set (the user guides use
``docs/images``), else to the test's temporary folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_as

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# the `test` extra installs Playwright; without it browser_site skips (conftest.py)
with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

UA_MESSAGE = "Ukraine: three ports are essential for us."
RU_MESSAGE = "Russia: ammonia exports matter most."


def test_the_corridor_negotiation_in_three_browsers(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    track = f"{base}/tracks/{food}"
    ua = open_as(browser, base, site, "ukraine", 360, "Europe/Kyiv")
    ru = open_as(browser, base, site, "russia", 1280, "Europe/Moscow")
    un = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")

    # -- home: each sees the tracks of its own seats -------------------------------------
    expect(ua.locator(".process ul.tracks a")).to_have_count(3)
    expect(un.locator(".process ul.tracks a")).to_have_text(["food corridor"])
    expect(ua.locator("header .who")).to_have_text("Ukraine delegate")
    ua.screenshot(path=shots / "party-home.png")

    # -- preferences on a phone: points, sliders, red line, reservation, live preview ----
    ua.goto(f"{track}/preferences")
    no_horizontal_scroll(ua)
    expect(ua.locator("nav.tabs a")).to_have_text(
        ["Overview", "Channel", "Preferences", "Text", "Bidding", "Consultation", "Meetings"]
    )
    ua.keyboard.press("Tab")
    expect(ua.locator("a.skip")).to_be_focused()
    outline = ua.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    expect(ua.locator(".points-total")).to_have_text("100")
    ua.fill("#points-0", "25")
    expect(ua.locator(".points-total")).to_have_text("103")
    expect(ua.locator(".points-total")).to_have_attribute("data-ok", "false")
    ua.fill("#points-1", "5")
    expect(ua.locator(".points-total")).to_have_attribute("data-ok", "true")
    ua.fill("#reservation-num", "95")
    expect(ua.locator("#reservation")).to_have_value("95")
    expect(ua.locator("#preview tbody tr").nth(1)).to_contain_text("below your reservation")
    ua.fill("#reservation-num", "70")
    ua.check("#red-1-0")  # cargo: grain only
    ua.screenshot(path=shots / "party-preferences.png")
    ua.click("#prefs-form button[type=submit]")
    expect(ua.locator(".flash.notice")).to_have_text("Saved as version 2.")
    expect(ua.locator("#red-1-0")).to_be_checked()
    expect(ua.locator("#history li")).to_have_count(2)
    expect(ua.locator("#history time").first).to_contain_text("(UTC+2)")  # one format

    # -- messages both ways, live, and never across channels -------------------------------
    ua.goto(f"{track}/channel")
    ru.goto(f"{track}/channel")
    un.goto(f"{track}/console")
    for page in (ua, ru, un):
        expect(page.locator("#live-status")).to_have_text("Live updates on.")
    un.evaluate("window.stayed = true")
    ua.fill("#message-text", UA_MESSAGE)
    ua.click("#composer button[type=submit]")
    expect(ua.locator("#messages li.mine")).to_contain_text(UA_MESSAGE)
    ukraine_column = un.locator(f".channel-column[data-party='{site.orgs['Ukraine']}']")
    russia_column = un.locator(f".channel-column[data-party='{site.orgs['Russian Federation']}']")
    expect(ukraine_column.locator("li.unread")).to_contain_text(UA_MESSAGE)
    expect(ukraine_column.locator(".unread-count")).to_have_text("1")
    assert un.evaluate("window.stayed === true")  # arrived without a reload
    ru.fill("#message-text", RU_MESSAGE)
    ru.click("#composer button[type=submit]")
    expect(russia_column.locator("li")).to_contain_text(RU_MESSAGE)
    expect(ukraine_column).not_to_contain_text(RU_MESSAGE)
    un.fill("#reply-1", "UN: noted; we are looking at the ports.")
    ukraine_column.locator("form[enctype] button").click()
    expect(ua.locator("#messages")).to_contain_text("UN: noted; we are looking at the ports.")
    expect(ru.locator("#messages")).not_to_contain_text("UN: noted")
    for page, foreign in ((ua, RU_MESSAGE), (ru, UA_MESSAGE)):
        assert foreign not in page.content()
    ua.screenshot(path=shots / "party-channel.png", full_page=True)
    un.screenshot(path=shots / "mediator-console.png", full_page=True)

    # -- analysis, then a text drafted from the Nash package -------------------------------
    un.goto(f"{track}/analysis")
    expect(un.locator("#zopa-status")).to_contain_text("A ZOPA exists")
    assert un.locator("svg.chart circle.frontier").count() > 3
    expect(un.locator("svg.chart g.solution")).not_to_have_count(0)
    un.screenshot(path=shots / "mediator-analysis.png", full_page=True)
    ua.goto(f"{track}/analysis")
    expect(ua.locator("h1")).to_have_text("Not found")
    nash = un.locator("tr[data-solution=Nash] ul.pkg li").all_text_contents()
    un.click("tr[data-solution=Nash] a.draft-from")
    nash_term = un.locator("select[name='pkg-term']").input_value()
    assert f"term: {nash_term}" in nash  # the draft starts from the Nash package
    want = "60" if nash_term != "60" else "120"
    ua_reason = f"The term must be {want} days, not {nash_term}."
    un.fill("#clause-5", f"The arrangement runs for {nash_term} days from signature.")
    un.click("#draft-form button[type=submit]")
    un.check("#confirm")  # the draft's preview: publishing needs a ticked confirmation
    un.click("#publish-form button[type=submit]")
    expect(un.locator(".flash.notice")).to_have_text("Version 1 published to every party.")
    un.screenshot(path=shots / "mediator-drafting.png", full_page=True)

    # -- Ukraine rejects with reasons; Russia accepts; each sees only its own answer -------
    ua.goto(f"{track}/text")
    ru.goto(f"{track}/text")
    expect(ua.locator("#current [data-version]")).to_have_attribute("data-version", "1")
    no_horizontal_scroll(ua)
    ua.check("#kind-reject")
    ua.fill("#reasons", ua_reason)
    ua.click("#answer-form button[type=submit]")
    expect(ua.locator("#my-answer")).to_contain_text("Rejected")
    expect(ua.locator("#my-answer")).to_contain_text(ua_reason)
    ru.check("#kind-accept")
    ru.click("#answer-form button[type=submit]")
    expect(ru.locator("#my-answer")).to_contain_text("Accepted")
    assert ua_reason not in ru.content()
    assert "Accepted" not in ua.locator("#answer").inner_text()
    un.goto(f"{track}/draft")
    cell = un.locator(f"#answers tr[data-version='1'] td[data-party='{site.orgs['Ukraine']}']")
    expect(cell).to_contain_text(ua_reason)
    ua.screenshot(path=shots / "party-text.png", full_page=True)

    # -- version 2 (term 120) arrives live; both accept --------------------------------------
    un.once("dialog", lambda dialog: dialog.accept())  # replace the edited wording
    un.select_option("select[name='pkg-term']", want)
    un.fill("#clause-5", f"The arrangement runs for {want} days from signature.")
    un.click("#draft-form button[type=submit]")
    un.check("#confirm")
    un.click("#publish-form button[type=submit]")
    expect(un.locator(".flash.notice")).to_have_text("Version 2 published to every party.")
    expect(ua.locator("#current [data-version]")).to_have_attribute("data-version", "2")
    expect(ua.locator("#current ul.changes")).to_contain_text("term")
    expect(ua.locator("#history")).to_contain_text(ua_reason)
    for page in (ua, ru):
        page.goto(f"{track}/text")
        page.check("#kind-accept")
        page.click("#answer-form button[type=submit]")
        expect(page.locator("#my-answer")).to_contain_text("Accepted")
    for page in (ua, ru):
        page.reload()
        expect(page.locator("#text-status")).to_contain_text("ready for agreement")
    un.reload()
    expect(un.locator("p.status")).to_contain_text("ready for agreement")
    ua.screenshot(path=shots / "party-text-accepted.png", full_page=True)
    for page in (ua, ru, un):
        assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_process_admin_in_the_browser(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    admin = open_as(browser, base, site, "secretariat", 1280, "UTC")
    admin.goto(f"{base}/processes/1/admin")
    admin.fill("#invite-email", "observer@example.org")
    admin.select_option("#invite-role", "observer")
    admin.select_option("#invite-org", str(site.orgs["ICRC"]))
    admin.click("#invite-form button[type=submit]")
    link = admin.locator("#invitation-link input").input_value()
    assert link.startswith(base + "/invitations/")
    admin.screenshot(path=shots / "admin.png")
    guest = browser.new_context().new_page()  # type: ignore[attr-defined]
    guest.goto(link)
    guest.fill("#name", "New observer")
    guest.fill("#password", "a good long password")
    guest.click("#invitation-form button[type=submit]")
    expect(guest).to_have_url(base + "/")  # the account is made and its owner logged in
    expect(guest.locator(".process .convener")).to_contain_text("Convened by")
