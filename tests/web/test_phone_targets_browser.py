"""A delegation on a 390 x 844 phone, in English and in Arabic (right to left), in Debian's
chromium: every control of the pages it uses most is a target of 24 x 24 CSS px at least
(WCAG 2.2, success criterion 2.5.8, "Target Size (Minimum)"), and the joint record's page is a
few screens long, each of its sections reachable from a list at its top.

Before, at 390 x 844 (a tester's phone, 7 December 2026): checkboxes and radio buttons were
13 x 13 px (the preferences' red lines, the new process's languages), links 19 px tall (the home
page's tracks, the record's downloads, the agreement's files), the "log out" button 23 px;
the login page had 3 targets too small, the preferences 36, the grain agreement's record 19
(22 in Arabic). And the record of the grain agreement was 10,869 px tall for a party member and
11,603 px for a mediator (10,304 and 11,010 in Arabic): its charts, tables and forms one after
another, about fourteen screens of scrolling to reach its events.

A target smaller than 24 px passes as 2.5.8 allows when it is spaced: a circle of 24 px
centred on it touches no other target nor another small target's circle. The screenshot of the
record on a phone goes to ``$GOBETWEEN_SCREENSHOTS`` (``implementation-phone.png``, shown by
the implementation guide).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from tests.web.browsing import logged_in, no_horizontal_scroll
from tests.web.site import Site

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
#: WCAG 2.2's minimum target: 24 x 24 CSS px.
TARGET = 24
#: The most the record's page may take at 390 px, before one opens a fold: under five screens
#: of 844 px, so that the list at its top and every section's heading and summary are a few
#: swipes away. The grain agreement's record (``gobetween demo``) takes 3,336 px for a party
#: member and 3,437 px for a mediator (3,114 and 3,186 in Arabic): its list of what is
#: published (five decisions made with the agreement's settings) and the provisions' chart stay
#: open, as the gist of their sections; it took 10,869 and 11,603 px before.
RECORD_HEIGHT = 4_000

#: The controls one taps: links, buttons, checkboxes, radio buttons, lists and summaries,
#: shown (not the "skip to content" link, off the screen until it has the focus).
_CONTROLS = "a[href]:not(.skip), button, input[type=checkbox], input[type=radio], select, summary"
#: The controls under 24 x 24 px that are not spaced as 2.5.8 allows, as [tag, id or words,
#: width, height]: a circle of 24 px centred on such a target meets another target, or the
#: circle of another small target.
_TOO_SMALL = """([selector, least]) => {
  const controls = [...document.querySelectorAll(selector)]
    .filter(e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
    .map(e => [e, e.getBoundingClientRect()]).filter(([, b]) => b.width > 0 && b.height > 0);
  const small = b => b.width < least || b.height < least;
  const centre = b => [b.left + b.width / 2, b.top + b.height / 2];
  const reach = ([x, y], b) => Math.hypot(Math.max(b.left - x, 0, x - b.right),
                                          Math.max(b.top - y, 0, y - b.bottom));
  const spaced = ([e, b]) => controls.every(([o, ob]) => o === e || o.contains(e)
    || e.contains(o) || (reach(centre(b), ob) >= least / 2
        && (!small(ob) || Math.hypot(...centre(b).map((v, i) => v - centre(ob)[i])) >= least)));
  return controls.filter(([e, b]) => small(b) && !spaced([e, b])).map(([e, b]) =>
    [e.tagName.toLowerCase() + (e.type ? `[${e.type}]` : ""),
     e.id || e.textContent.trim().slice(0, 40), Math.round(b.width), Math.round(b.height)]);
}"""


def _too_small(page: Page) -> list[list[Any]]:
    found: list[list[Any]] = page.evaluate(_TOO_SMALL, [_CONTROLS, TARGET])
    return found


def _phone(browser: Any, base: str, site: Site, seat: str, lang: str) -> Page:
    zone = "Asia/Qatar" if lang.startswith("ar") else "Europe/Kyiv"
    return logged_in(browser, base, site, seat, **PHONE, lang=lang, zone=zone, phone=True)


def test_the_check_counts_a_spaced_small_target_and_refuses_a_crowded_one(browser_site) -> None:  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    """The check itself, on a page of its own: 20 px targets 30 px apart pass (their circles
    of 24 px touch nothing), and so does one 2 px from a large one (its circle reaches 2 px past
    its edges); two 20 px targets 2 px apart do not (their circles meet), nor one 1 px from a
    large one (its circle reaches into it)."""
    _base, _site, browser = browser_site
    page = browser.new_page(viewport=PHONE)
    square = "position:absolute;width:20px;height:20px;display:block"
    page.set_content(
        f'<a href="#" id="far1" style="{square};left:10px;top:10px"></a>'
        f'<a href="#" id="far2" style="{square};left:60px;top:10px"></a>'
        f'<a href="#" id="near1" style="{square};left:10px;top:100px"></a>'
        f'<a href="#" id="near2" style="{square};left:32px;top:100px"></a>'
        f'<a href="#" id="by-big" style="{square};left:10px;top:200px"></a>'
        f'<a href="#" id="off-big" style="{square};left:10px;top:300px"></a>'
        '<button id="big" style="position:absolute;left:31px;top:190px;width:60px;height:40px">'
        "x</button>"
        '<button id="big2" style="position:absolute;left:32px;top:290px;width:60px;height:40px">'
        "x</button>"
    )
    assert sorted(e[1] for e in _too_small(page)) == ["by-big", "near1", "near2"]
    page.close()


def _key_pages(site: Site, agreement: int) -> dict[str, list[str]]:
    """The pages a delegation, a mediator and the secretariat use most, by seat."""
    food = site.tracks["food corridor"]
    record = f"/agreements/{agreement}/implementation"
    return {
        "ukraine": [
            "/",
            f"/tracks/{food}",
            f"/tracks/{food}/channel",
            f"/tracks/{food}/preferences",
            f"/agreements/{agreement}",
            record,
            record + "?open=all",  # every fold open: the tables' links, the forms' boxes
        ],
        "un": [f"/tracks/{food}/console", record, record + "?open=all"],
        "secretariat": ["/processes/new"],
    }


@pytest.mark.parametrize("lang", ["en-GB", "ar-QA"])
def test_every_control_is_a_24_px_target_on_a_phone(browser_site, lang: str) -> None:  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        agreement = build_agreement_demo(session)
    visitor = browser.new_context(viewport=PHONE, locale=lang, is_mobile=True, has_touch=True)
    login = visitor.new_page()
    login.goto(f"{base}/login")
    small = {"/login": _too_small(login)}
    for seat, paths in _key_pages(site, agreement).items():
        page = _phone(browser, base, site, seat, lang)
        expect(page.locator("html")).to_have_attribute("lang", lang[:2])
        for path in paths:
            response = page.goto(base + path)
            assert response is not None
            assert response.status == 200, path
            small[f"{seat} {path}"] = _too_small(page)
            no_horizontal_scroll(page)
        assert page.errors == []  # type: ignore[attr-defined]
    assert {where: found for where, found in small.items() if found} == {}


def _sections(page: Page) -> list[str]:
    ids: list[str] = page.locator("main section[id]").evaluate_all("ss => ss.map(s => s.id)")
    return ids


@pytest.mark.parametrize(
    ("seat", "lang"), [("ukraine", "en-GB"), ("un", "en-GB"), ("ukraine", "ar-QA"), ("un", "ar-QA")]
)
def test_the_record_is_a_few_screens_on_a_phone_and_every_section_is_reachable(  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    browser_site, seat: str, lang: str, shots: Path
) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        agreement = build_agreement_demo(session)
    url = f"{base}/agreements/{agreement}/implementation"
    page = _phone(browser, base, site, seat, lang)
    page.goto(url)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < RECORD_HEIGHT, f"{seat} {lang}: the record is {height} px tall"
    no_horizontal_scroll(page)
    if (seat, lang) == ("ukraine", "en-GB"):  # the implementation guide's picture
        page.screenshot(path=str(shots / "implementation-phone.png"), full_page=True)

    # every section is listed at the top, and its link takes the reader to it
    sections = _sections(page)
    assert len(sections) >= 8, sections  # published, provisions, voyages, terms, ... events
    contents = page.locator("nav#contents")
    links = contents.locator("a[href^='#']").evaluate_all("as => as.map(a => a.hash.slice(1))")
    assert links == sections
    for name in ("events-section", "provisions"):
        contents.locator(f"a[href='#{name}']").click()
        expect(page).to_have_url(f"{url}#{name}")
        expect(page.locator(f"#{name} h2, #{name} summary").first).to_be_in_viewport()
        page.evaluate("window.scrollTo(0, 0)")

    # every fold is closed, and opens by the keyboard: its summary has the focus, Enter opens it
    folds = page.locator("main details.fold")
    count = folds.count()
    assert count >= 8, count
    for i in range(count):
        fold = folds.nth(i)
        expect(fold).not_to_have_attribute("open", "")
        fold.locator("> summary").focus()
        page.keyboard.press("Enter")
        expect(fold).to_have_attribute("open", "")
    # nothing of the record stays out of reach: every table, chart, form and list is shown
    hidden = page.evaluate(
        """() => [...document.querySelectorAll("main :is(table, figure, form, ul, dl)")]
             .filter(e => !e.checkVisibility()).map(e => e.id || e.className || e.tagName)"""
    )
    assert hidden == []
    no_horizontal_scroll(page)  # the open tables read as cards, within the phone's width
    opened = page.evaluate("document.documentElement.scrollHeight")
    assert opened > 2 * height  # the folds held most of the page

    # the same page all open from its link (a page to print or search)
    page.goto(url)
    contents.locator("#open-all").click()
    expect(page.locator("main details.fold:not([open])")).to_have_count(0)
    expect(page.locator("main details.fold")).to_have_count(count)
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_record_folds_open_without_a_script(browser_site) -> None:  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    """With scripts off, a tap opens a fold, and a form sent comes back with its section open
    (the server opens it: ``?open=events``) and the new event in sight."""
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        agreement = build_agreement_demo(session)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", "ukraine@demo.gobetween.org")
    page.fill("#password", site.passwords["ukraine"])
    page.click("#login-form button[type=submit]")
    url = f"{base}/agreements/{agreement}/implementation"
    page.goto(url)
    events = page.locator("#events")
    expect(events).to_be_hidden()
    page.locator("details[data-fold=event-form] > summary").click()
    form = page.locator("#event-form")
    expect(form).to_be_visible()
    form.locator("#ev-type").select_option("registration")
    form.locator("#ev-item").fill("voyage #991")
    form.locator("#ev-reason").fill("registered without a script")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{url}?open=events#events")
    expect(events.locator("tbody tr", has_text="voyage #991")).to_be_visible()
    expect(page.locator("#event-form")).to_be_hidden()  # the other folds stay as they were
