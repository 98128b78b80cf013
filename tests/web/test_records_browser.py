"""The incident walk in Debian's chromium: a party reports an incident, the joint team assesses
it, publishing its summary is proposed and approved, and the public page shows the decided
summary only (never the allegation's words). Screenshots go to ``$GOBETWEEN_SCREENSHOTS``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.web.browsing import no_horizontal_scroll, open_as, open_folds

from gobetween.service.demo_records import ENERGY, RETURNS, build_records_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "our engineers saw the second drone at 04:10 from the control room"
SUMMARY = "The joint team verified damage to a power substation near Zaporizhzhia on 2 April."


def test_an_incident_from_report_to_public_summary(browser_site, shots: Path) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        ids = build_records_demo(session)
    aid = ids[ENERGY]
    page_url = f"{base}/agreements/{aid}/implementation"

    ukraine = open_as(browser, base, site, "ukraine", 1100, "Europe/Kyiv")
    ukraine.goto(page_url)
    expect(ukraine.locator("#ev-step")).to_have_count(0)  # no departure plan on this record
    assert "voyage" not in ukraine.locator("main").inner_text().lower()
    ukraine.locator("details[data-fold=incident-form] > summary").click()  # folded: one tap
    form = ukraine.locator("#incident-form")
    form.locator("#inc-accused").select_option("Russian Federation")
    form.locator("#inc-date").fill("2025-04-02")
    form.locator("#inc-place").fill("Zaporizhzhia region")
    form.locator("#inc-facility").fill("power substation")
    form.locator("#inc-description").fill(SECRET)
    form.locator("button").click()
    expect(ukraine).to_have_url(f"{page_url}?open=kind-incidents#kind-incidents")  # shown
    row = ukraine.locator("#entries-incidents tr", has_text="Zaporizhzhia region")
    expect(row).to_contain_text(SECRET)
    key = row.get_attribute("data-key")
    assert key
    ukraine.screenshot(path=str(shots / "records-incident-reported.png"), full_page=True)

    russia = open_as(browser, base, site, "russia", 1100, "Europe/Moscow")
    russia.goto(page_url)
    expect(russia.locator(f"#entries-incidents tr[data-key='{key}']")).to_have_count(0)

    qatar = open_as(browser, base, site, "qatar", 1100, "Asia/Qatar")
    qatar.goto(page_url)
    open_folds(qatar)
    assess = qatar.locator(f"#entries-incidents tr[data-key='{key}'] form.assess-incident")
    assess.locator("select").select_option("verified")
    assess.locator("button").click()
    expect(qatar.locator(f"#entries-incidents tr[data-key='{key}']")).to_contain_text("verified")
    open_folds(qatar)  # back on the page, the incidents open and the rest folded
    qatar.locator("#pub-scope").select_option(f"incident:{key}")
    qatar.locator("#pub-summary").fill(SUMMARY)
    qatar.locator("#propose-form button").click()
    expect(qatar.locator(f".approve-publication[data-scope='incident:{key}']")).to_be_visible()
    open_folds(qatar)
    qatar.screenshot(path=str(shots / "records-incident-assessed.png"), full_page=True)

    russia.goto(page_url)  # assessed: the accused party now sees it, without the allegation
    accused_row = russia.locator(f"#entries-incidents tr[data-key='{key}']")
    expect(accused_row).to_contain_text("verified")
    expect(accused_row).not_to_contain_text(SECRET)
    for party in (ukraine, russia):  # one mediating organisation signed: both parties approve
        party.goto(page_url)
        party.locator(f".approve-publication[data-scope='incident:{key}'] button").click()
        expect(party).to_have_url(f"{page_url}?open=published#published")

    public = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
    public.goto(f"{base}/public/agreements/{aid}/implementation")
    published = public.locator(f"#published-list li[data-scope='incident:{key}']")
    expect(published).to_contain_text(SUMMARY)
    expect(published).to_contain_text("Ukraine and Russian Federation")  # as English lists
    text = public.locator("main").inner_text()
    assert SECRET not in text
    assert "Illustrative allegation" not in text  # the other incidents' words stay private
    expect(public.locator(f"#entries-incidents tr[data-key='{key}']")).to_contain_text(SUMMARY)
    open_folds(public)
    public.screenshot(path=str(shots / "records-public-summary.png"), full_page=True)
    # the prisoner returns: published exchange figures and the provisions' barometer
    public.goto(f"{base}/public/agreements/{ids[RETURNS]}/implementation")
    expect(public.locator("#provisions svg.chart")).to_be_visible()
    expect(public.locator("#provisions .caveat")).to_contain_text("counts once")
    expect(public.locator("#kind-exchanges figure.figure-table")).to_have_count(2)
    open_folds(public)
    assert "UA-0921" not in public.locator("main").inner_text()  # names lists stay private
    public.screenshot(path=str(shots / "records-provisions.png"), full_page=True)
    for page, prefix in ((ukraine, ""), (public, "/public")):  # a phone: wide tables scroll
        page.set_viewport_size({"width": 390, "height": 800})  # in their own box
        page.goto(f"{base}{prefix}/agreements/{ids[RETURNS]}/implementation")
        expect(page.locator("#entries-exchanges")).to_be_attached()
        no_horizontal_scroll(page)
    for page in (ukraine, russia, qatar):
        assert page.errors == []  # type: ignore[attr-defined]
