"""The drafting form, in Debian's chromium: changing an article's option replaces its wording in
every language, so the page asks first when the mediator edited any of them. It once asked only
for the first language's wording: a Ukrainian clause typed by hand was replaced without a word
(found walking the demo as a Ukrainian-speaking mediator)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from tests.web.browsing import open_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

OWN = "Судна відходять з трьох портів, як домовились делегації."


def test_changing_an_option_asks_before_replacing_wording_edited_in_any_language(
    browser_site,
) -> None:
    base, site, browser = browser_site
    un = open_in(browser, base, site, "un", "uk", 1366)
    un.goto(f"{base}/tracks/{site.tracks['food corridor']}/draft")
    select, first, ukrainian = (
        un.locator("#pkg-1"),
        un.locator("#clause-1"),
        un.locator("#clause-1-uk"),
    )
    before = select.input_value()
    other = next(
        v
        for v in select.locator("option").evaluate_all("os => os.map(o => o.value)")
        if v != before
    )
    english = first.input_value()
    ukrainian.fill(OWN)  # only the Ukrainian wording edited
    asked: list[str] = []

    def refuse(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    un.once("dialog", refuse)
    select.select_option(other)
    expect(ukrainian).to_have_value(OWN)  # kept: the mediator said no
    assert asked, "no question before replacing the edited Ukrainian wording"
    assert select.input_value() == before
    assert first.input_value() == english
    un.once("dialog", lambda dialog: dialog.accept())
    select.select_option(other)
    expect(ukrainian).not_to_have_value(OWN)  # replaced by the other option's wording
    assert select.input_value() == other
    un.context.close()
