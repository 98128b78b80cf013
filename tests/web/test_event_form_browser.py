"""The implementation page's "record an event" form on a 390 px phone, in Arabic (right to
left), in Debian's chromium: a delegation member records one event, which is then listed, and
one refused event comes back with the refusal next to its field, in Arabic, the form as typed;
the page is never wider than the phone. Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` (the
implementation guide shows them from ``docs/images``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.web.browsing import logged_in, no_horizontal_scroll
from tests.web.site import Site

from gobetween.service.demo_agreement import build_agreement_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
ITEM = "voyage #990"
BLOCKED = "voyage #982"


def _phone_in_arabic(browser: object, base: str, site: Site, seat: str) -> Page:
    """A 390x844 phone whose browser asks for Arabic, logged in as ``seat``."""
    return logged_in(browser, base, site, seat, **PHONE, lang="ar", phone=True)


def _fits(page: Page) -> None:
    """Right to left, and nothing wider than the phone (the page, and the form's own fields)."""
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    no_horizontal_scroll(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('#event-form *')]
             .filter(e => { const r = e.getBoundingClientRect();
                            return r.width > 0 && (r.left < -1 || r.right > innerWidth + 1); })
             .map(e => e.id || e.tagName)"""
    )
    assert wider == [], wider


def test_recording_an_event_on_a_phone_in_arabic(browser_site, shots: Path) -> None:  # type: ignore[no-untyped-def]  # the fixture's browser is Playwright's untyped object
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    page_url = f"{base}/agreements/{aid}/implementation"
    ukraine = _phone_in_arabic(browser, base, site, "ukraine")
    ukraine.goto(page_url)
    expect(ukraine.locator("#eventf-h")).to_have_text("تسجيل حدث")
    ukraine.locator("#eventf-h").click()  # the form is folded under its name: a tap opens it
    form = ukraine.locator("#event-form")
    form.scroll_into_view_if_needed()
    _fits(ukraine)
    # the step is offered by its Arabic label, and sent as the record's key for it, the same
    # in every language (a translated default typed as text, "خطة المغادرة", was a gate of its
    # own that no other delegation would ever approve)
    expect(form.locator("#ev-step")).to_have_value("departure plan")
    expect(form.locator("#ev-step option:checked")).to_have_text("خطة المغادرة")
    expect(form.locator("#ev-step-other")).to_have_value("")
    # the text fields are as wide as the lists and the description (they were narrower)
    full = form.locator("#ev-type").bounding_box()
    assert full is not None
    for field in ("#ev-item", "#ev-step", "#ev-step-other", "#ev-port", "#ev-reason"):
        box = form.locator(field).bounding_box()
        assert box is not None
        assert abs(box["width"] - full["width"]) <= 1, (field, box["width"], full["width"])
    card = ukraine.locator("section.card", has=ukraine.locator("#event-form"))
    card.screenshot(path=str(shots / "implementation-event-form-phone-ar.png"))

    # one valid event: a registration, then listed among the events
    form.locator("#ev-type").select_option("registration")
    form.locator("#ev-item").fill(ITEM)
    form.locator("#ev-delegation").select_option("Ukraine")
    form.locator("#ev-reason").fill("تسجيل السفينة")
    form.locator("button[type=submit]").click()
    expect(ukraine).to_have_url(f"{page_url}?open=events#events")  # the events open
    listed = ukraine.locator("#events tbody tr", has_text=ITEM)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("التسجيل")  # the event's type in the reader's language
    expect(listed).not_to_contain_text("registration")
    _fits(ukraine)
    events = ukraine.locator("#events tbody tr").count()

    # one refused event: a block without a reason, refused at the reason in Arabic, as typed
    ukraine.locator("#eventf-h").click()
    form = ukraine.locator("#event-form")
    form.locator("#ev-type").select_option("decision")
    form.locator("#ev-item").fill(BLOCKED)
    form.locator("#ev-step").select_option("departure plan")
    form.locator("#ev-verdict").select_option("block")
    form.locator("#ev-reason").fill("")
    form.locator("button[type=submit]").click()
    error = ukraine.locator("#ev-reason-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("دون ذكر سبب")
    expect(error).to_contain_text("خطة المغادرة")  # the step by its label, not its key
    expect(error).not_to_contain_text("departure plan")
    expect(ukraine.locator("#ev-reason")).to_have_attribute("aria-invalid", "true")
    expect(ukraine.locator("#ev-reason")).to_have_attribute("aria-describedby", "ev-reason-error")
    expect(ukraine.locator("#ev-type")).to_have_value("decision")
    expect(ukraine.locator("#ev-item")).to_have_value(BLOCKED)
    expect(ukraine.locator("#ev-step")).to_have_value("departure plan")
    expect(ukraine.locator("#ev-verdict")).to_have_value("block")
    expect(ukraine.locator("#ev-delegation")).to_have_value("Ukraine")
    box, field = error.bounding_box(), ukraine.locator("#ev-reason").bounding_box()
    assert box is not None
    assert field is not None
    assert 0 <= box["y"] - (field["y"] + field["height"]) < 40  # right under its field
    expect(ukraine.locator("#events tbody tr")).to_have_count(events)  # nothing stored
    _fits(ukraine)
    card = ukraine.locator("section.card", has=ukraine.locator("#event-form"))
    card.screenshot(path=str(shots / "implementation-event-refused-phone-ar.png"))

    # an approval chosen by its Arabic label meets the step's gate, shown in Arabic
    form.locator("#ev-verdict").select_option("approve")
    form.locator("#ev-item").fill(ITEM)
    form.locator("button[type=submit]").click()  # the refused form came back open
    expect(ukraine).to_have_url(f"{page_url}?open=events#events")
    gate = ukraine.locator("#items tr", has_text=ITEM).locator(".gate[data-step='departure plan']")
    expect(gate).to_have_count(1)
    expect(gate).to_contain_text("خطة المغادرة")
    expect(gate).not_to_contain_text("departure plan")
    _fits(ukraine)
    assert ukraine.errors == []  # type: ignore[attr-defined]
