"""The joint record and the agreement's record on a delegation's phone, in its own language, in
Debian's chromium: each table row a block of labelled lines inside the screen (not columns to
scroll sideways, with the term's consents out of sight, as on 6 December 2026), why each term
ended in Ukrainian, the command to verify with the key registry on one line, and the agreement's
page folded (its terms first, then what is on it), less than half as tall as it was.

The screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (the guides show them:
``implementation-terms-phone-uk.png``, ``agreement-phone.png``, ``agreement-log-phone-uk.png``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_folds, open_in

from gobetween.service.demo_agreement import build_agreement_demo

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The most height (``document.documentElement.scrollHeight``) of the grain initiative's page at
#: 390 px in Ukrainian, its sections folded: measured here 5,556 px before they were folded and
#: 2,638 px after (on ``gobetween demo`` at 390 x 844: 5,440 and 2,638).
_AGREEMENT_HEIGHT = 3_000

#: Each cell of a table's rows: its label drawn before it (CSS ``::before``), its text, and its
#: box's left and right edges.
_CELLS = """table => [...table.querySelectorAll("tbody tr")].map(tr => [...tr.cells].map(td => {
  const b = td.getBoundingClientRect();
  return [getComputedStyle(td, "::before").content, td.innerText, b.left, b.right];
}))"""


def test_the_term_clock_and_the_record_read_on_a_phone_in_ukrainian(
    browser_site, shots: Path
) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    page = open_in(browser, base, site, "ukraine", "uk-UA", 390)
    page.goto(f"{base}/agreements/{aid}/implementation")
    open_folds(page)
    no_horizontal_scroll(page)
    rows = page.locator("#terms").evaluate(_CELLS)
    assert len(rows) == 4
    for cells in rows:
        # one cell under another, each as wide as the table's box and inside the screen
        assert all(left >= 0 and right <= 390 for _label, _text, left, right in cells), cells
        assert len({(left, right) for _label, _text, left, right in cells}) == 1, cells
        labels = [label for label, _text, _left, _right in cells]
        assert labels == [
            '"Строк дії: "',
            '"Від: "',
            '"Спливає: "',
            '"Дні: "',
            '"Згоди: "',
        ]
    assert "Russian Federation: 60" in rows[2][4][1]
    page.locator("section[aria-labelledby=term-h]").screenshot(
        path=str(shots / "implementation-terms-phone-uk.png")
    )
    waits = page.locator("#waits").evaluate(_CELLS)
    assert waits[0][0][1] == "серпень 2022\u202fр."
    assert [c[0] for c in waits[0][1:]] == [
        '"Інспектовано: "',
        '"Медіана днів: "',
        '"90-й процентиль: "',
    ]

    page.goto(f"{base}/agreements/{aid}")
    no_horizontal_scroll(page)
    # the agreement's page: its terms first and whole, the rest folded under what is on the page
    # (web/record_folds.py), less than half as tall as before (_AGREEMENT_HEIGHT)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < _AGREEMENT_HEIGHT, f"the agreement's page is {height} px tall on a phone"
    expect(page.locator("#terms tbody tr")).to_have_count(4)
    expect(page.locator("#log")).to_be_hidden()
    page.screenshot(path=str(shots / "agreement-phone.png"), full_page=True)
    page.locator("#log-section summary").click()  # a tap opens the record
    page.evaluate("window.scrollTo(0, 0)")  # the boxes below, for the picture, from the top
    # the command to verify with the key registry on one line ("--registry" was cut off to the
    # next line on a phone)
    lines = page.locator("#registry-link code").evaluate_all(
        "cs => cs.map(c => [c.textContent, new Set([...c.getClientRects()].map(b => b.top)).size])"
    )
    assert lines == [["registry.json", 1], ["gobetween agreement verify --registry", 1]]
    disputed = page.locator("#log li[data-type=renewed]").nth(1)
    expired = page.locator("#log li[data-type=expired]")
    assert (
        "згоди різняться (Ukraine: 120 днів, Russian Federation: 60 днів" in disputed.inner_text()
    )
    assert "немає згоди на продовження від: Russian Federation" in expired.inner_text()
    top, bottom = disputed.bounding_box(), expired.bounding_box()
    assert top is not None
    assert bottom is not None
    page.screenshot(
        path=str(shots / "agreement-log-phone-uk.png"),
        full_page=True,
        clip={
            "x": 0,
            "y": top["y"] - 2,
            "width": 390,
            "height": bottom["y"] + bottom["height"] - top["y"] + 8,
        },
    )
    assert page.errors == []  # type: ignore[attr-defined]
