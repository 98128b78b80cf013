"""Every page a delegate, a mediator and a secretariat can reach (the demo with its signed
corridor agreement) fits a 360 px phone, in Debian's
chromium: starting from the home page, the test follows every link of the site (not downloads,
the API or logging out) breadth first and checks that no page is wider than the screen, and that
every field one writes in takes its form's width (but numbers and dates), and that no table
makes the reader scroll sideways (on a phone each row of a table is a block of labelled lines:
``table.stacked``). The joint record is measured with its folds (``details.fold``) open.

Before, the text's language versions (``/tracks/{id}/text/languages``) were 494 px wide on a
360 px phone in Ukrainian, and the implementation record (the mediators' and the public page) 535
and 485 px: their tables had no scrolling box of their own. And a field written without a type
(the joint record's forms, the evidence reference, the new agreement's title) missed the style of
text fields: about 150 px wide in a 330 px form. And on 6 December 2026 the joint record's
tables (provisions, waiting times, terms, items, events), the text's language versions, the
agenda editor's options, the process's members, the mediators' analysis (solutions, versions,
improvements, trade-offs) and the draft's answers and article matrix scrolled sideways at 360
px: the last column (the term's consents, an assessment's evidence, a solution's package,
whether an article is settled) out of sight.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from tests.web.browsing import open_in

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page

PHONE = 360
#: Links not followed: files, the API and its docs, logging out, static assets.
_SKIP = re.compile(r"^/(api|static|logout|login)\b|\.(pdf|docx|csv|zip|json|xlsx|xml)$|/export")
#: More than any seat of the demo reaches (the secretariat: 50 pages).
_MOST = 120
#: The fields one writes in but numbers, dates and choices (narrower on purpose), shown, in a
#: page's forms (not the header's language switch), that have their line to themselves (not a
#: row of a grid of fields): (id or name, its width, its form's width).
_FIELDS = """() => {
  const fields = [...document.querySelectorAll("main form :is(textarea, input:not("
    + "[type=checkbox], [type=radio], [type=hidden], [type=submit], [type=range],"
    + " [type=number], [type=date], [type=datetime-local], [inputmode=numeric]), select)")]
    .filter(e => e.offsetParent !== null);
  const boxes = new Map(fields.map(e => [e, e.getBoundingClientRect()]));
  const alone = e => !fields.some(o => o !== e && o.form === e.form
    && boxes.get(o).top < boxes.get(e).bottom && boxes.get(e).top < boxes.get(o).bottom);
  return fields.filter(e => e.tagName !== "SELECT" && alone(e))
    .map(e => [e.id || e.name, boxes.get(e).width,
               e.closest("form").getBoundingClientRect().width]);
}"""
#: Narrower than this share of its form's width, a text field is cramped on a phone.
_LEAST_SHARE = 0.75
#: The tables in a scrolling box that are wider than it (the reader must scroll sideways), by
#: id, else class, else the section they are in.
_SCROLLED = """() => [...document.querySelectorAll("main .scroll")]
  .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
  .map(box => { const t = box.querySelector("table") || box;
    return t.id || t.className || (box.closest("[id]") || {}).id || "?"; })"""


#: The most height the site's header may take on a phone (three lines: the links, the user and
#: the language list). It took 125 px at 390 px in Ukrainian, about a sixth of the screen with
#: the track's tabs below it, until 6 December 2026 (found walking the demo): the language
#: list's button, there for browsers without scripts, had a line of its own.
_HEADER = 100


def _crawl(page: Page, base: str) -> dict[str, int]:
    """Each page reached from the home page, with its width in CSS pixels; fails on a page with
    a cramped text field or a header taller than :data:`_HEADER`."""
    queue, seen, widths = ["/"], {"/"}, {}
    tall: dict[str, float] = {}
    scrolled: dict[str, list[str]] = {}
    while queue and len(widths) < _MOST:
        path = queue.pop(0)
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        # what the joint record folds (its charts, tables and forms) must fit as well
        page.evaluate("document.querySelectorAll('details.fold').forEach(d => { d.open = true; })")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        cramped = [f for f in page.evaluate(_FIELDS) if f[1] < _LEAST_SHARE * f[2]]
        assert cramped == [], f"{path}: (field, its width, its form's) {cramped}"
        scrolled[path] = page.evaluate(_SCROLLED)
        header = page.evaluate("document.querySelector('header.top').offsetHeight")
        if header > _HEADER:
            tall[path] = header
        links = page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.pathname)")
        for link in links:
            if link not in seen and not _SKIP.search(link):
                seen.add(link)
                queue.append(link)
    sideways = {p: t for p, t in scrolled.items() if t}
    assert sideways == {}, f"tables to scroll sideways on a phone: {sideways}"
    assert tall == {}, f"headers taller than {_HEADER} px: {tall}"
    return widths


@pytest.mark.parametrize(
    ("seat", "lang"), [("secretariat", "uk-UA"), ("un", "ar-QA"), ("ukraine", "uk-UA")]
)
def test_every_page_fits_a_phone(browser_site, seat: str, lang: str, shots: Path) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        build_agreement_demo(session)  # a signed agreement, its text and its joint record
    page = open_in(browser, base, site, seat, lang, PHONE)
    page.set_viewport_size({"width": PHONE, "height": 740})
    widths = _crawl(page, base)
    if seat == "ukraine":  # the delegations guide's picture of the top bar and the tabs
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/tracks/{site.tracks['food corridor']}")
        page.screenshot(path=str(shots / "phone-header-uk.png"))
    assert len(widths) > 10, sorted(widths)  # the crawl did reach the site
    assert {path: w for path, w in widths.items() if w > PHONE} == {}
    assert page.errors == []  # type: ignore[attr-defined]
