"""The notes of a provision's assessments on a 390 px phone in Arabic, in Debian's chromium: a
mediator assesses a provision on the joint record's page with a note for every signatory and
an internal note, comes back to that provision's assessments open, reads both (the internal one
marked as the mediators' alone), each right to left, within the screen; a delegation reads
only the note written for every signatory. The screenshot goes to ``$GOBETWEEN_SCREENSHOTS``
(``implementation-assessment-notes-phone-ar.png``, shown in docs/guide/implementation.md).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from tests.web.browsing import logged_in, no_horizontal_scroll

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):
    from playwright.sync_api import Locator, Page, expect

PHONE = {"width": 390, "height": 844}
NOTE = "استؤنفت عمليات التفتيش في إسطنبول؛ يبقى المستوى قيد المراجعة."
INTERNAL = "لم يُقيَّم بعد الحادث المزعوم ضد أوكرانيا؛ نبقي المستوى متوسطًا حتى ذلك الحين."


def _phone(browser: Any, base: str, site: Any, seat: str) -> Page:
    """``seat`` on a 390 px touch phone whose browser asks for Arabic, in Qatar's time."""
    arabic = {"lang": "ar-QA", "zone": "Asia/Qatar", "phone": True}
    return logged_in(browser, base, site, seat, **PHONE, **arabic)


def _direction(note: Locator) -> str:
    found: str = note.evaluate("p => getComputedStyle(p).direction")
    return found


def test_a_mediator_reads_back_both_notes_and_a_delegation_one_on_a_phone_in_arabic(  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    browser_site, shots: Path
) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        agreement = build_agreement_demo(session)
    url = f"{base}/agreements/{agreement}/implementation"
    un = _phone(browser, base, site, "un")
    un.goto(url)
    un.locator("details[data-fold=assess-provision] > summary").click()
    form = un.locator("#assess-provision")
    form.locator("#prov-key").select_option("art-3")
    form.locator("#prov-level").select_option("intermediate")
    form.locator("#prov-evidence").select_option("link")
    form.locator("#prov-reference").fill("https://www.un.org/en/black-sea-grain-initiative")
    form.locator("#prov-note").fill(NOTE)
    form.locator("#prov-internal-note").fill(INTERNAL)
    form.locator("button[type=submit]").click()
    expect(un).to_have_url(f"{url}?open=history-art-3#history-art-3")
    history = un.locator("details[data-fold=history-art-3]")
    expect(history).to_have_attribute("open", "")
    expect(un.locator("#history-art-3")).to_be_in_viewport()  # the address took the reader there
    newest = history.locator("ol.assessments > li").first
    note = newest.locator(".note[data-note=note] p")
    internal = newest.locator(".note[data-note=internal_note]")
    expect(note).to_have_text(NOTE)
    expect(internal.locator("p")).to_have_text(INTERNAL)
    expect(internal.locator(".only-mediators")).to_be_visible()  # marked as theirs
    assert (_direction(note), _direction(internal.locator("p"))) == ("rtl", "rtl")
    summary = un.locator("#history-art-3").bounding_box()
    assert summary is not None
    assert summary["height"] >= 24  # a target of 24 px (WCAG 2.2, 2.5.8)
    no_horizontal_scroll(un)
    un.screenshot(path=str(shots / "implementation-assessment-notes-phone-ar.png"), full_page=False)
    assert un.errors == []  # type: ignore[attr-defined]

    ukraine = _phone(browser, base, site, "ukraine")
    ukraine.goto(f"{url}?open=history-art-3#history-art-3")
    newest = ukraine.locator("details[data-fold=history-art-3] ol.assessments > li").first
    expect(newest.locator(".note[data-note=note] p")).to_have_text(NOTE)
    expect(newest.locator(".note[data-note=internal_note], .only-mediators")).to_have_count(0)
    assert INTERNAL not in ukraine.content()
    no_horizontal_scroll(ukraine)
    assert ukraine.errors == []  # type: ignore[attr-defined]
