"""The negotiating text as diplomats draft it, in Debian's chromium, on the demo's food corridor.

The UN drafts version 1 with two articles in [brackets] (ports, inspection) and a reworded third
(cargo); the track requires a second mediating organisation, so Türkiye approves it; the UN
previews and publishes it with a ticked confirmation. Ukraine (on a 390 px phone) and the Russian
Federation answer article by article, Ukraine proposing wording. The UN sees the matrix, settles
the brackets and rewords cargo again in version 2 (approved, published); the redline of versions
1 and 2 shows the wording change; both accept; the agreement form shows the term and renewal the
text holds, and the instruments carry exactly those.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (the guides use ``docs/images``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.web.browsing import no_horizontal_scroll, open_as

from gobetween.agreements.derive import renewal_rule_named

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):  # browser_site skips (or fails) without Playwright
    from playwright.sync_api import Page, expect

PROPOSED = "Grain, related foodstuffs and fertiliser, with ammonia from the second term."
REWORDED_1 = "Ships may carry grain, related foodstuffs and fertiliser."
REWORDED_2 = "Ships may carry grain, related foodstuffs and fertiliser, including ammonia."


def draft_and_publish(un: Page, tr: Page, track: str, setup) -> None:  # type: ignore[no-untyped-def]
    """Fill the drafting form with ``setup(un)``, save, have Türkiye approve, publish."""
    un.goto(f"{track}/draft")
    setup(un)
    un.click("#draft-form button[type=submit]")
    expect(un.locator("#draft-status")).to_have_attribute("data-status", "draft")
    expect(un.locator("#problems")).to_have_count(0)
    draft_url = un.url
    un.check("#confirm")
    un.click("#publish-form button[type=submit]")
    expect(un.locator(".flash.error")).to_contain_text("second mediating organisation")
    tr.goto(draft_url)
    tr.click("#approve-form button[type=submit]")
    expect(tr.locator("#approvals li[data-current=true]")).to_have_count(1)
    un.goto(draft_url)
    un.check("#confirm")
    un.click("#publish-form button[type=submit]")
    expect(un.locator(".flash.notice")).to_contain_text("published to every party")


def answer_articles(page: Page, answers: dict[str, str], reasons: dict[str, str]) -> None:
    for key, stance in answers.items():
        page.select_option(f"select[name='st:{key}']", stance)
    for key, text in reasons.items():
        page.fill(f"textarea[name='{key}']", text)
    page.check("#kind-amend")
    page.click("#answer-form button[type=submit]")
    expect(page.locator("#my-answer .article-answers li")).to_have_count(len(answers))


def test_brackets_approval_answers_per_article_redline_and_agreement(
    browser_site, shots: Path
) -> None:
    base, site, browser = browser_site
    food = site.tracks["food corridor"]
    track = f"{base}/tracks/{food}"
    un = open_as(browser, base, site, "un", 1280, "Europe/Istanbul")
    tr = open_as(browser, base, site, "turkiye", 1280, "Europe/Istanbul")
    ua = open_as(browser, base, site, "ukraine", 390, "Europe/Kyiv")
    ru = open_as(browser, base, site, "russia", 1280, "Europe/Moscow")

    # -- the UN and Türkiye agree that every version needs both of them ----------------------
    un.goto(f"{track}/draft")
    un.check("#approval_required")
    un.click("#rules-form button[type=submit]")
    expect(un.locator("#approval_required")).to_be_checked()

    # -- version 1: brackets on ports and inspection, cargo reworded -------------------------
    def version_1(page: Page) -> None:
        ports = page.locator("#alt-1 option").all_inner_texts()
        page.check("#br-1")
        page.select_option("#alt-1", label=ports[1:3])
        inspection = page.locator("#alt-3 option").all_inner_texts()
        page.check("#br-3")
        page.select_option("#alt-3", label=inspection[:2])
        page.fill("#clause-2", REWORDED_1)
        expect(page.locator("#owner-2")).to_contain_text("edited wording")
        page.fill("#deadline", "2030-01-10T12:00")
        page.screenshot(path=shots / "drafting-articles.png", full_page=True)

    draft_and_publish(un, tr, track, version_1)
    un.goto(un.url)

    # -- Ukraine on a phone and the Russian Federation answer article by article -------------
    ua.goto(f"{track}/text")
    no_horizontal_scroll(ua)
    expect(ua.locator("#current [data-version]")).to_have_attribute("data-version", "1")
    expect(ua.locator("#current ul.brackets")).to_have_count(2)
    expect(ua.locator("#deadline")).to_contain_text("UTC+2")  # Kyiv, not the drafter's zone
    expect(ua.locator("#kind-accept")).to_be_disabled()  # not while articles are bracketed
    answer_articles(
        ua,
        {
            "art-1:0": "cannot_accept",
            "art-1:1": "agree",
            "art-3:0": "agree",
            "art-2": "can_live_with",
        },
        {"rs:art-1:0": "Two ports are not enough.", "pw:art-2": PROPOSED},
    )
    no_horizontal_scroll(ua)
    ua.screenshot(path=shots / "party-articles-phone.png", full_page=True)
    ru.goto(f"{track}/text")
    answer_articles(
        ru,
        {"art-1:1": "can_live_with", "art-3:0": "cannot_accept", "art-3:1": "agree"},
        {"rs:art-3:0": "Inspections must include our teams."},
    )
    assert PROPOSED not in ru.content()
    assert "Two ports are not enough." not in ru.content()

    # -- the mediators' matrix ----------------------------------------------------------------
    un.goto(f"{track}/draft")
    ukraine = str(site.orgs["Ukraine"])
    expect(
        un.locator(f"#matrix tr[data-article=art-2] td[data-party='{ukraine}']")
    ).to_contain_text(PROPOSED)
    expect(un.locator("#matrix tr[data-article=art-1]")).to_contain_text("settled")
    un.screenshot(path=shots / "mediator-matrix.png", full_page=True)

    # -- version 2: brackets settled, cargo reworded again ------------------------------------
    chosen: dict[str, str] = {}

    def version_2(page: Page) -> None:
        page.uncheck("#br-1")
        page.uncheck("#br-3")
        page.once("dialog", lambda dialog: dialog.accept())
        ports = page.locator("#pkg-1 option").all_inner_texts()
        page.select_option("#pkg-1", label=ports[2])
        page.fill("#clause-2", REWORDED_2)
        for issue in ("term", "renewal"):
            chosen[issue] = page.locator(f"select[name='pkg-{issue}']").input_value()

    draft_and_publish(un, tr, track, version_2)

    # -- the redline of versions 1 and 2 shows the wording change -----------------------------
    ru.goto(f"{track}/text/redline?old=1&new=2")
    cargo = ru.locator("#redline li[data-article=art-2]")
    expect(cargo).to_have_attribute("data-change", "changed")
    expect(cargo.locator("ins")).to_contain_text("including ammonia")
    expect(ru.locator("#redline li[data-article=art-1]")).to_have_attribute(
        "data-change", "changed"
    )
    ru.screenshot(path=shots / "redline.png", full_page=True)

    # -- both accept; the agreement carries exactly the text's term and renewal ---------------
    for page in (ua, ru):
        page.goto(f"{track}/text")
        page.check("#kind-accept")
        page.click("#answer-form button[type=submit]")
        expect(page.locator("#my-answer")).to_contain_text("Accepted")
    un.goto(f"{track}/agreement")
    term_days = int(chosen["term"])
    rule = renewal_rule_named(chosen["renewal"])
    assert rule is not None
    expect(un.locator("#derived-term")).to_have_attribute("data-days", str(term_days))
    expect(un.locator("#derived-renewal")).to_have_attribute("data-rule", rule.value)
    expect(un.locator("#agreement-form select")).to_have_count(0)
    un.screenshot(path=shots / "agreement-from-text.png", full_page=True)
    un.click("#agreement-form button[type=submit]")
    expect(un.locator("#agreement-status")).to_have_attribute("data-status", "draft")
    agreement = un.request.get(un.url.replace("/agreements/", "/api/agreements/")).json()
    assert agreement["terms"]["term_days"] == term_days
    assert agreement["terms"]["renewal"]["rule"] == rule.value
    assert agreement["terms"]["clauses"]["cargo"] == REWORDED_2
    for page in (un, tr, ua, ru):
        assert page.errors == [], page.errors  # type: ignore[attr-defined]
