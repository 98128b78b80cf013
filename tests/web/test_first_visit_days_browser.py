"""A first visit (the server does not know the browser's time zone yet) shows moments in the
browser's zone, but a day stays a day. Before, the public record's term table showed each
term's first and last day with a time and an offset ("22 Jul 2022, 03:00 (UTC+3)"), a moment
no one named, and the Ukrainian dates wrapped at 1366 px."""

from __future__ import annotations

import pytest
from tests.web.browsing import open_folds

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("lang", ["en-GB", "uk-UA"])
def test_an_outsiders_first_visit_shows_the_terms_days_as_days(browser_site, lang: str) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    context = browser.new_context(
        viewport={"width": 1366, "height": 800}, locale=lang, timezone_id="Europe/Kyiv"
    )
    page = context.new_page()
    page.goto(f"{base}/public/agreements/{aid}/implementation")
    open_folds(page)
    days = page.locator("#terms time")
    assert days.count() >= 2
    shown = days.evaluate_all("ts => ts.map(t => [t.getAttribute('datetime'), t.textContent])")
    for value, text in shown:
        assert len(value) == 10, value  # the server writes days as days
        assert ":" not in text, (value, text)  # no time of day
        assert "UTC" not in text, (value, text)  # nor an offset
    lines = days.evaluate_all("ts => ts.map(t => t.getClientRects().length)")
    assert max(lines) == 1, shown  # one line each
    context.close()
