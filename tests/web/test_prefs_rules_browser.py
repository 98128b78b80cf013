"""The "if ... then ... is worth ..." rules on a 360 px phone in Debian's chromium: a delegate
opens an issue, ticks options, gives points, saves, and reads the rule back as a sentence; the
page never scrolls sideways, in English and in Arabic (right to left).

The screenshot ``party-preferences-rules.png`` goes to ``$GOBETWEEN_SCREENSHOTS`` when set
(the delegations' guide uses ``docs/images``), else to the test's temporary folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_as, open_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect


def test_a_rule_on_a_phone(browser_site, shots: Path) -> None:  # type: ignore[no-untyped-def]  # the fixture's browser is Playwright's untyped object
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    ua = open_as(browser, base, site, "ukraine", 360, "Europe/Kyiv")
    ua.goto(f"{base}/tracks/{food}/preferences")
    no_horizontal_scroll(ua)
    rule = ua.locator("fieldset.rule[data-rule='0']")
    expect(rule.locator("legend")).to_have_text("New rule")
    term = rule.locator("details.rule-issue[data-issue='term']")
    term.locator("summary").click()
    term.get_by_label("120").check()
    term.get_by_label("180").check()
    inspection = rule.locator("details.rule-issue[data-issue='inspection']")
    inspection.locator("summary").click()
    inspection.get_by_label("UN and Turkish teams off Istanbul").check()
    ua.fill("#bonus-0-points", "15")
    no_horizontal_scroll(ua)
    ua.click("#prefs-form button[type=submit]")
    expect(ua.locator(".flash.notice")).to_contain_text("Saved as version 2")
    sentence = ua.locator("fieldset.rule[data-rule='0'] .rule-sentence")
    expect(sentence).to_have_text(
        "If inspection is UN and Turkish teams off Istanbul and term is 120 or 180, "
        "this package is worth 15 points more."
    )
    no_horizontal_scroll(ua)
    ua.locator("#rules").scroll_into_view_if_needed()
    ua.locator("#rules").screenshot(path=shots / "party-preferences-rules.png")
    assert ua.errors == []  # type: ignore[attr-defined]  # set by open_as
    ar = open_in(browser, base, site, "ukraine", "ar", 360)
    ar.goto(f"{base}/tracks/{food}/preferences")
    expect(ar.locator("html")).to_have_attribute("dir", "rtl")
    expect(ar.locator("#rules-h")).to_have_text("حين يغيّر بندٌ قيمةَ بندٍ آخر")
    expect(ar.locator("fieldset.rule[data-rule='0'] .rule-sentence")).to_contain_text(
        "فإن قيمة هذه الحزمة تزيد 15 نقطة"
    )
    no_horizontal_scroll(ar)
