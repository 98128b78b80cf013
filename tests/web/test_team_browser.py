"""The team's tools in Debian's chromium, on SQLite and on PostgreSQL: a mediator writes a note on
Ukraine's channel and gives the channel to a colleague (the console shows it), records a meeting
with Ukraine in the reader's time zone; Ukraine's delegate reads it and finds it by search, the
Russian Federation's sees no meeting. Takes the screenshots of the mediators' guide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.service.conftest import pg_schema_url  # noqa: F401  (fixture)
from tests.web.site import Site
from tests.web.test_keys_browser import _login, served  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_team_keeps_notes_records_meetings_and_searches(
    served: tuple[str, Site, Any],  # noqa: F811
    shots: Path,
) -> None:
    base, site, browser = served
    food = site.tracks["food corridor"]
    un = _login(browser, base, site, "un")
    un.goto(f"{base}/tracks/{food}/team")
    un.select_option("#note-about", label="the channel of Ukraine")
    un.fill("#note-text", "Kyiv can live with inspections in Istanbul if Yuzhny is in.")
    un.click(".note-form button[type=submit]")
    expect(un.locator(".note .note-text")).to_have_text(
        "Kyiv can live with inspections in Istanbul if Yuzhny is in."
    )
    un.select_option("#assign-channel", label="Ukraine")
    un.select_option("#assign-user", label="Türkiye mediator")
    un.click(".assign-form button:not([name])")
    expect(un.locator("#assignments .handled-by").first).to_have_text("Türkiye mediator")
    un.screenshot(path=str(shots / "team-notes.png"), full_page=True)
    un.goto(f"{base}/tracks/{food}/console")
    expect(un.locator(".handled-by").first).to_contain_text("Türkiye mediator")
    un.goto(f"{base}/tracks/{food}/meetings")
    un.fill("#m-held", "2022-07-13T11:00")
    un.select_option("#m-kind", "meeting")
    un.fill("#m-place", "Istanbul, Dolmabahçe Palace")
    un.check("label.check:has-text('Ukraine') input")
    un.fill("#m-attendees", "UN: Martin Griffiths; Ukraine: the delegation")
    un.fill("#m-summary", "The corridor's inspection plan: joint teams in Istanbul.")
    un.fill("#m-follow", "Send the draft of the JCC's terms\nBook the room for 22 July")
    un.click(".meeting-form button[type=submit]")
    meeting = un.locator("article.meeting")
    expect(meeting).to_have_count(1)
    expect(meeting.locator(".follow-ups li")).to_have_count(2)
    expect(meeting.locator("time")).to_contain_text("11:00")  # typed in the reader's zone
    un.screenshot(path=str(shots / "meetings.png"), full_page=True)
    ukraine = _login(browser, base, site, "ukraine")
    ukraine.goto(f"{base}/tracks/{food}/meetings")
    expect(ukraine.locator("article.meeting .summary")).to_have_text(
        "The corridor's inspection plan: joint teams in Istanbul."
    )
    expect(ukraine.locator(".meeting-form")).to_have_count(0)
    russia = _login(browser, base, site, "russia")
    russia.goto(f"{base}/tracks/{food}/meetings")
    expect(russia.locator("article.meeting")).to_have_count(0)
    ukraine.goto(f"{base}/search?q=Istanbul")
    expect(ukraine.locator("#result-count")).to_have_attribute("data-count", "1")
    expect(ukraine.locator(".result")).to_have_attribute("data-kind", "meeting")
    ukraine.screenshot(path=str(shots / "search.png"), full_page=True)
    un.goto(f"{base}/search?q=Istanbul")
    expect(un.locator("#result-count")).to_have_attribute("data-count", "2")
    admin = _login(browser, base, site, "secretariat")
    for page, path in (
        (admin, f"/tracks/{food}/agenda"),  # five working languages: the option table scrolls
        (ukraine, f"/tracks/{food}/meetings"),
        (ukraine, "/search?q=Istanbul"),
    ):
        page.set_viewport_size({"width": 390, "height": 900})
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px phone"
    for page in (un, ukraine, russia, admin):
        assert page.errors == []  # type: ignore[attr-defined]
