"""Two delegations in their own languages, in Debian's chromium (Playwright).

A Ukrainian delegate works entirely in Ukrainian on a 390 px phone: logs in (the browser asks
for Ukrainian), writes in the channel, saves preferences and answers a text. A Qatari mediator
works in Arabic, right to left, on a desktop: console and analysis. Each screen is checked for
its language (no English message of the catalogs left), its direction and its layout, and is
saved as a screenshot: ``$GOBETWEEN_SCREENSHOTS`` when set (the guides use ``docs/images``:
``GOBETWEEN_SCREENSHOTS=docs/images pytest tests/web/test_i18n_browser.py``), else a temporary
folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tests.web.browsing import no_horizontal_scroll, open_in
from tests.web.test_i18n import demo_words, leftovers

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# the `test` extra installs Playwright; without it browser_site skips (conftest.py)
with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect


def check_language(page: Page, lang: str, direction: str, names: set[str]) -> None:
    """``<html lang dir>`` as expected and no English message of the catalogs on the screen."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert leftovers(BeautifulSoup(page.content(), "html.parser"), names) == [], page.url
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_ukrainian_delegate_on_a_phone(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    track = f"{base}/tracks/{food}"
    names = demo_words(site)
    ua = open_in(browser, base, site, "ukraine", "uk-UA", 390)
    check_language(ua, "uk", "ltr", names)
    expect(ua.locator("h1")).to_have_text("Мої переговори")

    ua.goto(f"{track}/channel")
    check_language(ua, "uk", "ltr", names)
    no_horizontal_scroll(ua)
    expect(ua.locator("#live-status")).to_have_text("Оновлення в реальному часі ввімкнено.")
    ua.fill("#message-text", "Україна: нам потрібні три порти.")
    ua.click("#composer button[type=submit]")
    mine = ua.locator("#messages li.mine").filter(has_text="Україна: нам потрібні три порти.")
    expect(mine).to_have_count(1)
    expect(mine.locator("time")).to_contain_text("(UTC+2)")
    ua.screenshot(path=shots / "uk-channel.png", full_page=True)

    ua.goto(f"{track}/preferences")
    check_language(ua, "uk", "ltr", names)
    no_horizontal_scroll(ua)
    expect(ua.locator("nav.tabs a")).to_have_text(
        ["Огляд", "Канал", "Пріоритети", "Текст", "Торги", "Консультація", "Зустрічі"]
    )
    # the agenda in Ukrainian: the demo names its issues and options in the track's languages
    expect(ua.locator("label[for=points-range-0]")).to_have_text("порти")
    expect(ua.locator("fieldset.issue-prefs[data-issue=ports] legend")).to_have_text("порти")
    ua.fill("#points-0", "25")
    expect(ua.locator(".points-total")).to_have_attribute("data-ok", "false")
    ua.click("#prefs-form button[type=submit]")
    expect(ua.locator("#form-errors")).to_contain_text("Сума балів")
    ua.fill("#points-1", "5")
    ua.click("#prefs-form button[type=submit]")
    expect(ua.locator(".flash.notice")).to_have_text("Збережено як версію 2.")
    ua.screenshot(path=shots / "uk-preferences.png", full_page=True)

    un = open_in(browser, base, site, "un", "en-GB", 1280)
    un.goto(f"{track}/analysis")
    un.click("tr[data-solution=Nash] a.draft-from")
    un.click("#draft-form button[type=submit]")
    un.check("#confirm")  # the draft's preview: publishing needs a ticked confirmation
    un.click("#publish-form button[type=submit]")
    expect(un.locator(".flash.notice")).to_contain_text("Version 1")

    ua.goto(f"{track}/text")
    check_language(ua, "uk", "ltr", names)
    no_horizontal_scroll(ua)
    ua.check("#kind-reject")
    ua.fill("#reasons", "Строк має становити 120 днів.")
    ua.click("#answer-form button[type=submit]")
    expect(ua.locator("#my-answer")).to_contain_text("Строк має становити 120 днів.")
    check_language(ua, "uk", "ltr", names)
    ua.screenshot(path=shots / "uk-text.png", full_page=True)


def test_an_arabic_speaking_mediator_right_to_left_on_a_desktop(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    track = f"{base}/tracks/{site.tracks['food corridor']}"
    names = demo_words(site)
    qa = open_in(browser, base, site, "un", "ar-QA", 1280)
    check_language(qa, "ar", "rtl", names)

    qa.goto(f"{track}/console")
    check_language(qa, "ar", "rtl", names)
    no_horizontal_scroll(qa)
    brand = qa.locator("header .brand").bounding_box()
    logout = qa.locator("header form[action='/logout'] button").bounding_box()
    assert brand
    assert logout
    assert brand["x"] > logout["x"]
    first, second = (qa.locator(".channel-column").nth(i).bounding_box() for i in (0, 1))
    assert first
    assert second
    assert first["x"] > second["x"]
    qa.screenshot(path=shots / "ar-console.png", full_page=True)

    qa.goto(f"{track}/analysis")
    check_language(qa, "ar", "rtl", names)
    chart = qa.locator("svg.chart")
    expect(chart).to_contain_text("المنفعة")
    assert qa.evaluate("getComputedStyle(document.querySelector('svg.chart')).direction") == "ltr"
    cell = qa.locator("#solutions tbody th").first.bounding_box()
    row = qa.locator("#solutions tbody tr").first.bounding_box()
    assert cell
    assert row
    assert cell["x"] + cell["width"] > row["x"] + row["width"] - 2
    qa.screenshot(path=shots / "ar-analysis.png", full_page=True)
