"""The "Rehearse this draft" button and panel on the mediators' draft page (demo site)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.web.browsing import no_horizontal_scroll, open_as
from tests.web.site import Site, one, soup, unlabelled_controls
from tests.web.test_drafting import save_draft
from tests.web.test_pages import FOOD


def test_the_draft_page_offers_a_rehearsal_and_the_panel_answers_per_party(site: Site) -> None:
    page = save_draft(site, {})
    un = site.client("un")
    draft = soup(un.get(page))
    button = one(draft, "#rehearse-button")
    assert button["href"] == f"{page}/rehearsal"
    assert button["hx-select"] == "#rehearsal"
    got = un.get(f"{page}/rehearsal")
    assert got.status_code == 200
    food = site.tracks[FOOD]
    assert got.headers["link"].startswith(f"</api/tracks/{food}/text/drafts/")
    doc = soup(got)
    parties = doc.select("#rehearsal .rehearsal-party")
    assert len(parties) >= 2
    for party in parties:
        stances = {row["data-stance"] for row in party.select("tr[data-article]")}
        assert stances <= {"agree", "can_live_with", "cannot_accept", ""}
        assert party["data-accepts"] in ("true", "false")
    assert unlabelled_controls(doc) == []
    stubborn = soup(un.get(f"{page}/rehearsal", params={"behaviour": "stubborn"}))
    assert one(stubborn, "#rehearsal")["data-behaviour"] == "stubborn"


@pytest.mark.parametrize("seat", ["ukraine", "russia"])
def test_a_party_gets_the_missing_page(site: Site, seat: str) -> None:
    page = save_draft(site, {})
    party = site.client(seat)
    real = party.get(f"{page}/rehearsal")
    missing = party.get(re.sub(r"/drafts/\d+", "/drafts/2000000000", page) + "/rehearsal")
    assert real.status_code == missing.status_code == 404
    assert re.sub(r"\d+", "N", real.text) == re.sub(r"\d+", "N", missing.text)


@pytest.mark.browser
def test_rehearse_this_draft_in_a_browser(browser_site, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, site, browser = browser_site
    track = f"{base}/tracks/{site.tracks[FOOD]}"
    drafter = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")
    drafter.goto(f"{track}/draft")
    drafter.click("#draft-form button[type=submit]")
    expect(drafter.locator("#draft-status")).to_have_attribute("data-status", "draft")
    page_url = drafter.url.removeprefix(base)
    drafter.context.close()
    for width in (1280, 390):
        un = open_as(browser, base, site, "un", width, "Europe/Istanbul")
        un.goto(base + page_url)
        un.click("#rehearse-button")
        expect(un.locator("#rehearsal-panel .rehearsal-party").first).to_be_visible()
        assert un.url == base + page_url  # loaded in place
        no_horizontal_scroll(un)
        if width == 1280:  # GOBETWEEN_SCREENSHOTS=docs/images renews the guide's picture
            un.locator("#rehearse-draft").screenshot(path=shots / "rehearsal.png")
        assert un.errors == []  # type: ignore[attr-defined]
        un.context.close()


def test_the_rehearsals_reasons_name_options_in_the_readers_language(site: Site) -> None:
    """A reason that names an option the party would prefer names it as the reader calls it
    ("вона хотіла б …" with the Ukrainian name; it gave the English key, found walking the
    demo), and the article it is about by its issue's name in that language."""
    page = save_draft(site, {})
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    agenda = un.get(f"/api/tracks/{site.tracks[FOOD]}").json()["agenda"]
    named = {
        o["name"]: o["names"]["uk"]
        for issue in agenda["issues"]
        for o in issue["options"]
        if o.get("names", {}).get("uk") and not o["name"].isdigit()
    }
    doc = soup(un.get(f"{page}/rehearsal", params={"behaviour": "stubborn"}))
    reasons = [td.get_text() for td in doc.select("#rehearsal tr[data-article] td:last-child")]
    assert any(uk in r for r in reasons for uk in named.values()), reasons
    assert not [r for r in reasons for key in named if key in r], reasons
    heads = [td.get_text() for td in doc.select("#rehearsal tr[data-article] td:first-child")]
    assert "порти" in heads, heads
