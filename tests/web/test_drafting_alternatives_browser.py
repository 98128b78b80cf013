"""Rewording a bracketed alternative in Debian's chromium (issue 11): the UN puts the ports in
brackets, opens the draft again, rewords the first alternative, is asked before an option with
reworded text leaves the brackets, and the preview shows the new wording.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (the guides use ``docs/images``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import open_as

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):  # browser_site skips (or fails) without Playwright
    from playwright.sync_api import Dialog, expect

REWORDED = "Ships leave from Odesa only, under the escort agreed at Istanbul."


def test_a_mediator_rewords_a_bracketed_alternative(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    track = f"{base}/tracks/{site.tracks['food corridor']}"
    un = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")
    un.goto(f"{track}/draft")
    ports = un.locator("#alt-1 option").all_inner_texts()
    un.check("#br-1")
    un.select_option("#alt-1", label=ports[:2])
    un.click("#draft-form button[type=submit]")
    expect(un.locator("#draft-status")).to_have_attribute("data-status", "draft")
    un.click("a[href*='/draft?from=']")  # Edit the draft
    first = un.locator("fieldset[data-issue=ports] div.alternative").first
    expect(first.locator("p.owner")).to_contain_text(first.get_attribute("data-option") or "?")
    first.locator("textarea").first.fill(REWORDED)
    expect(first.locator("p.owner")).to_contain_text("edited wording")  # as it is typed
    # taking the reworded option out of the brackets asks first; declining keeps it in
    questions: list[str] = []

    def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    un.on("dialog", decline)
    un.select_option("#alt-1", label=ports[1:2])
    assert len(questions) == 1
    assert un.locator("#alt-1 option:checked").all_inner_texts() == ports[:2]
    fieldset = un.locator("fieldset[data-issue=ports]")
    fieldset.screenshot(path=shots / "drafting-alternative-wording.png")
    un.click("#draft-form button[type=submit]")
    expect(un.locator("#problems")).to_have_count(0)
    expect(un.locator("#preview")).to_contain_text(REWORDED)
    assert un.errors == [], un.errors  # type: ignore[attr-defined]
