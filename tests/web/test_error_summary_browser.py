"""A refused form on a phone, in Arabic, in Debian's chromium: the summary of every problem is
on screen, names each field by its Arabic label (no API name such as ``languages.0``), its
links move the focus to the field, and nothing is wider than the screen (found walking the
demo: the Latin prefix "languages.0:" also scrambled the Arabic line's direction).

The screenshot goes to ``$GOBETWEEN_SCREENSHOTS`` when set (``docs/images`` for the guide)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect


def test_a_refused_form_on_a_phone_in_arabic_lists_every_problem_by_its_label(  # type: ignore[no-untyped-def]
    browser_site, shots: Path
) -> None:
    base, site, browser = browser_site
    page = open_in(browser, base, site, "secretariat", "ar", 390)
    page.goto(f"{base}/processes/new")
    page.fill("#process-name", "محادثات الموانئ")
    page.fill("#process-parties", "الشمال\n" + "ج" * 201)  # a name over 200 characters
    page.fill("#process-mediators", "الشمال")  # named as a party already
    expect(page.locator("#process-languages-ar")).to_be_checked()  # the reader's language
    page.focus("#process-languages-tr")  # the languages, named in themselves, by keyboard
    page.keyboard.press("Space")
    expect(page.locator("#process-languages-tr")).to_be_checked()
    page.click("#process-form button[type=submit]")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_have_text("توجد مشكلة")
    links = summary.locator("li a")
    expect(links).to_have_count(2)
    said = summary.inner_text()
    for api_name in ("languages", "parties", "mediators", "name:"):
        assert api_name not in said, said
    labels = [
        page.locator(f"label[for={t}]").inner_text()
        for t in ("process-parties", "process-mediators")
    ]
    for label in labels:
        assert label in said, (label, said)
    # what was typed and ticked is still there
    expect(page.locator("#process-name")).to_have_value("محادثات الموانئ")
    expect(page.locator("#process-languages-tr")).to_be_checked()
    expect(page.locator("#process-languages-ar")).to_be_checked()
    no_horizontal_scroll(page)
    page.screenshot(path=str(shots / "error-summary-ar-phone.png"), full_page=False)
    for i in range(2):
        target = str(links.nth(i).get_attribute("href")).removeprefix("#")
        links.nth(i).click()
        assert page.evaluate("document.activeElement.id") == target
    page.context.close()
