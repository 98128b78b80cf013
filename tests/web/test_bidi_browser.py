"""Mixed directions on an Arabic page, in Debian's chromium: a delegation's English text (a
process's description, a track's options, an agreement's clauses and preamble) reads left to
right with its full stop at its end, and a translated sentence that starts with an English name
stays right to left.

Before, every block on an Arabic page was right to left whatever it held, so an English clause
ended with its full stop at the start of its last line (".Odesa, Chornomorsk and Yuzhny") and a
convener's address lost its brackets' sides ("<<secretariat@...").
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_in
from tests.web.test_names_in_the_readers_language import _process_id

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import Locator, Page, expect

# Where the first and the last non-blank character of an element's text are drawn, and where
# the character before the last is: [first.left, last.left, before_last.left, box.left,
# box.right].
_ENDS = """(el) => {
  const texts = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (n.textContent.trim()) texts.push(n);
  const at = (node, i) => {
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
    return r.getBoundingClientRect().left;
  };
  const first = texts[0], last = texts[texts.length - 1];
  const end = last.textContent.trimEnd().length - 1;
  const box = el.getBoundingClientRect();
  return [at(first, first.textContent.search(/\\S/)), at(last, end), at(last, end - 1),
          box.left, box.right];
}"""


def _ends(page: Page, selector: str) -> list[float]:
    ends: list[float] = page.locator(selector).first.evaluate(_ENDS)
    return ends


def _reads_left_to_right(page: Page, selector: str) -> None:
    """The element's text starts at its left edge and its last character (a full stop) is drawn
    after the one before it, as English reads."""
    first, last, before_last, left, _right = _ends(page, selector)
    assert abs(first - left) < 3, f"{selector} does not start at the left: {first} vs {left}"
    assert last > before_last, f"{selector}'s last character is drawn before the one before it"


def _name_on_the_right(line: Locator, what: str) -> None:
    """``line`` starts with a name set apart (``bdi``) and then speaks Arabic: right to left,
    the name at its right edge."""
    name = line.locator("bdi").first.bounding_box()
    box = line.bounding_box()
    assert name
    assert box
    assert name["x"] + name["width"] > box["x"] + box["width"] - 3, f"{what} is not RTL"


def test_english_text_on_an_arabic_page_reads_left_to_right(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    qa = open_in(browser, base, site, "un", "ar-QA", 390)
    expect(qa.locator("html")).to_have_attribute("dir", "rtl")

    # the home page: a process's English description (the signed initiative's: it is not
    # described in Arabic); the convener's name and address in an Arabic sentence
    description = 'section.process > p:not(.muted):has-text("Demo:")'
    expect(qa.locator(description).first).to_contain_text("Demo: the signed corridor")
    _reads_left_to_right(qa, description)
    # the Black Sea talks, described in Arabic too: read right to left, from the right
    arabic = 'section.process > p:not(.muted):has-text("عرض توضيحي")'
    first, _last, _before, left, right = _ends(qa, arabic)
    assert first > (left + right) / 2, "the Arabic description does not start at the right"
    convener = qa.locator("section.process p.convener").first
    expect(convener.locator("bdi")).to_contain_text("secretariat@demo.gobetween.org>")
    _first, _last, _before, left, right = _ends(qa, "section.process p.convener")
    assert _first > (left + right) / 2, "the Arabic sentence no longer starts on the right"
    # a track in the list: its English name first, then the reader's role in Arabic, right to
    # left (the role drawn left of the name)
    track = qa.locator("section.process li", has=qa.locator("a[href^='/tracks/']")).first
    name = track.locator("a bdi").bounding_box()
    role = track.locator(".tag").bounding_box()
    assert name
    assert role
    assert role["x"] < name["x"], "the track's line is not right to left"
    no_horizontal_scroll(qa)

    # the draft's scores: each party's name, then Arabic words
    qa.goto(f"{base}/tracks/{site.tracks['food corridor']}/draft")
    _name_on_the_right(qa.locator("#scores li").first, "a party's score")

    # a track's agenda: English options (no mark of their own) left to right; its caption, an
    # Arabic sentence that starts with the agenda's English name, right to left
    qa.goto(f"{base}/tracks/{site.tracks['food corridor']}")
    option = "table.agenda tbody tr:first-child td li"
    expect(qa.locator(option).first).to_contain_text("Odesa")
    first, _last, _before, left, right = _ends(qa, option)
    assert abs(first - left) < 3, "an English option does not start at the left"
    name = qa.locator("table.agenda caption bdi").bounding_box()
    assert name
    _first, last, _before, _left, _right = _ends(qa, "table.agenda caption")
    assert last < name["x"], "the caption's Arabic end is not drawn left of the name (RTL)"
    # the energy agenda names its options in Arabic: they read right to left, from the right
    # (an option wrapped in bdi once sat at the left, its paragraph direction lost)
    doha = open_in(browser, base, site, "qatar", "ar-QA", 390)
    doha.goto(f"{base}/tracks/{site.tracks['energy facilities']}")
    expect(doha.locator(option).first).to_contain_text("توليد")
    first, _last, _before, left, right = _ends(doha, option)
    assert first > (left + right) / 2, "an Arabic option does not start at the right"
    # a bare number (the duration's 30, 60, 90 days) takes the page's direction: at the right,
    # beside its bullet (it once sat at the left edge, far from it)
    days = "table.agenda tbody tr[data-issue=duration] td li"
    expect(doha.locator(days).first).to_have_text("30")
    first, _last, _before, left, right = _ends(doha, days)
    assert first > (left + right) / 2, "a number option does not stand at the right"

    # the agreement: its clauses and each instrument's preamble, in English (every fold open)
    qa.goto(f"{base}/agreements/{aid}?open=all")
    expect(qa.locator("#terms tbody td").nth(1)).to_contain_text("Odesa")
    headings = qa.locator("#terms thead th").all_inner_texts()
    assert len(set(headings)) == len(headings) == 3, headings  # Issue and Clause were both البند
    _reads_left_to_right(qa, "#terms tbody tr:first-child td:nth-of-type(2)")
    _reads_left_to_right(qa, "article.instrument p:not(.muted):not(.downloads)")
    # a signatory's line starts with its name yet is an Arabic sentence: right to left
    _name_on_the_right(qa.locator("ul.signatories li").first, "a signatory's line")
    # the command that reads the key registry stays one left-to-right piece of code
    expect(qa.locator("#registry-link code").nth(1)).to_have_text(
        "gobetween agreement verify --registry"
    )
    no_horizontal_scroll(qa)
    qa.screenshot(path=shots / "agreement-phone-ar.png", full_page=True)
    assert qa.errors == []  # type: ignore[attr-defined]


def test_names_fields_on_an_arabic_page_are_labelled_from_the_right(browser_site) -> None:
    """The new-process, new-track and admin pages' "name in other languages" fields: each label (a
    language's own name, English or Українська) stands at the right, above its field, as the
    page reads; the language's name alone keeps its own direction. Before, the whole label
    took the language's direction and the left-to-right ones sat at the left edge, ragged."""
    base, site, browser = browser_site
    page = open_in(browser, base, site, "secretariat", "ar-QA", 390)
    for path, fold in (
        ("/processes/new", "#process-names"),
        ("/processes/1/tracks/new", "#track-names"),
        (f"/processes/{_process_id(site)}/admin", "details[data-names='process']"),
    ):
        page.goto(f"{base}{path}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator(f"{fold} > summary").click()
        labels = page.locator(f"{fold} label:has(span[lang])")
        assert labels.count() == 5
        for n in range(labels.count()):
            label = labels.nth(n)
            field = page.locator(f"#{label.get_attribute('for')}")
            name, box = label.locator("span").bounding_box(), field.bounding_box()
            assert name
            assert box
            right = box["x"] + box["width"]
            assert name["x"] + name["width"] > right - 20, f"{path}: {label.inner_text()} at left"
        no_horizontal_scroll(page)
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_date_example_in_an_arabic_label_stays_one_left_to_right_piece(browser_site) -> None:
    """The bidding form's deadline label gives an example date (2026-05-01T18:00:00+00:00): on an
    Arabic phone page it is drawn whole on one line, left to right. Before, it stood in the
    translated sentence itself and the line broke inside it, its parts reordered
    ("-2026-05" at one line's end, "01T18:00:00+00:00" on the next)."""
    base, site, browser = browser_site
    page = open_in(browser, base, site, "qatar", "ar-QA", 390)
    page.goto(f"{base}/tracks/{site.tracks['energy facilities']}/protocols/blind_bidding")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    example = "label[for=b-deadline] code.example"
    expect(page.locator(example)).to_have_text("2026-05-01T18:00:00+00:00")
    for width in range(300, 430, 6):  # phones of every width: the line breaks elsewhere on each
        page.set_viewport_size({"width": width, "height": 860})
        lines = page.locator(example).evaluate("(el) => el.getClientRects().length")
        assert lines == 1, f"at {width} px the example date is cut over {lines} lines"
        _reads_left_to_right(page, example)
        no_horizontal_scroll(page)  # kept whole, it still fits the narrowest screen
    assert page.errors == []  # type: ignore[attr-defined]
