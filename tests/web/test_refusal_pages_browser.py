"""Three refusals as a person meets them, in Debian's chromium, on a 390 px phone in Arabic (right
to left) and at 1366 px in English: each says in the reader's language what is wrong, keeps what
was typed where there is a form to keep it in, and never makes the page wider than the screen.

- the drafting page's lost-update refusal (409): two mediators open the same draft, one saves,
  the other's save is refused and its typed note is still in the form;
- the preferences page with more than 2,000 bonuses and interactions together (stored before
  the API counted them): the refusal at the rules section, and a change typed on the refused
  page comes back as typed;
- the framework's own refusals (404, 405 and a form whose data it cannot read: a file name of
  10,000 characters) on the error page, in the reader's language, with the signed-in
  delegate's header (their name, Agreements, Log out) kept.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` (the mediators' and delegations' guides show them
from ``docs/images``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.web.browsing import logged_in
from tests.web.site import Site

from gobetween import i18n
from gobetween.model import MAX_BONUSES
from gobetween.store import tables as t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

with contextlib.suppress(ImportError):  # browser_site skips (or fails) without Playwright
    from playwright.sync_api import Page, expect

#: (language, viewport width): a phone in Arabic, a desktop in English.
SCREENS = [("ar", 390), ("en", 1366)]
FOOD = "food corridor"


def _open(browser: Any, base: str, site: Site, seat: str, lang: str, width: int) -> Page:
    """``seat`` logged in, in a browser that asks for ``lang`` on a ``width`` px screen (a
    touch phone under 500 px)."""
    phone = width < 500
    return logged_in(
        browser,
        base,
        site,
        seat,
        width=width,
        height=844 if phone else 900,
        lang=lang,
        zone="Europe/Istanbul",
        phone=phone,
    )


def _said(lang: str, message: str, **values: object) -> str:
    """``message`` as the catalogs say it in ``lang``."""
    with i18n.use_locale(lang):
        words = i18n._(message)
    return words % values if values else words


def _fits(page: Page, lang: str) -> None:
    """The page's language and direction, and nothing wider than the screen."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("innerWidth"), f"{page.url} is {width} px wide"


def _shot(page: Page, lang: str, phone: Path, desktop: Path | None) -> None:
    """The screenshot of what ``page`` shows: ``phone`` for Arabic, ``desktop`` for English."""
    path = phone if lang == "ar" else desktop
    if path is not None:
        page.screenshot(path=str(path))


def _statuses(page: Page) -> list[int]:
    """The statuses of the page's documents from now on (navigations, not assets)."""
    seen: list[int] = []
    page.on(
        "response",
        lambda r: seen.append(r.status) if r.request.resource_type == "document" else None,
    )
    return seen


@pytest.mark.parametrize(("lang", "width"), SCREENS)
def test_a_stale_draft_is_refused_and_the_typed_note_stays(  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    browser_site, shots: Path, lang: str, width: int
) -> None:
    base, site, browser = browser_site
    track = f"{base}/tracks/{site.tracks[FOOD]}"
    un = _open(browser, base, site, "un", lang, width)
    turkiye = _open(browser, base, site, "turkiye", "en", 1366)
    un.goto(f"{track}/draft")
    un.fill("#note", "first note")
    un.click("#draft-form button[type=submit]")
    expect(un.locator("#draft-status")).to_have_attribute("data-status", "draft")
    draft = un.url.rstrip("/").rsplit("/", 1)[-1]
    editing = f"{track}/draft?from={draft}"
    un.goto(editing)  # the UN opens the draft to edit it ...
    turkiye.goto(editing)  # ... and so does Türkiye, who saves first
    turkiye.fill("#note", "Türkiye's note")
    turkiye.click("#draft-form button[type=submit]")
    expect(turkiye.locator("#draft-status")).to_have_attribute("data-status", "draft")
    mine = "ملاحظة الأمم المتحدة" if lang == "ar" else "The UN's note"
    un.fill("#note", mine)
    statuses = _statuses(un)
    un.click("#draft-form button[type=submit]")
    refusal = un.locator(".flash.error")
    words = _said(
        lang,
        "this draft was saved by someone else after you opened it; nothing was saved: "
        "open it again and redo your changes",
    )
    expect(refusal).not_to_contain_text(str(draft))  # an internal number means nothing to people
    expect(refusal).to_contain_text(words.split(";")[0])
    assert statuses == [409]
    expect(un.locator("#note")).to_have_value(mine)  # what the UN typed is still there
    # ... and the page says so, with the draft as saved now a tab away
    help_ = un.locator("#conflict-help")
    expect(help_).to_contain_text(
        _said(
            lang,
            "What you typed is still in the form below: copy what you want to keep, then make "
            "your changes again in the draft as it is saved now.",
        )
    )
    expect(help_.locator("a")).to_have_attribute(
        "href", f"/tracks/{site.tracks[FOOD]}/draft?from={draft}"
    )
    expect(help_.locator("a")).to_have_attribute("target", "_blank")
    expect(un.locator("#matrix-section")).to_be_hidden()  # no empty card before any version
    _fits(un, lang)
    un.evaluate("window.scrollTo(0, 0)")
    _shot(
        un, lang, shots / "drafting-conflict-phone-ar.png", shots / "drafting-conflict-desktop.png"
    )
    # Türkiye's save stands
    turkiye.goto(f"{track}/drafts/{draft}")
    expect(turkiye.locator("main")).to_contain_text("Türkiye's note")
    assert un.errors == []  # type: ignore[attr-defined]


def _crowded(site: Site) -> None:
    """Ukraine's food-corridor preferences with 2,000 bonuses and one interaction, stored as a
    version recorded before the API counted them together."""
    food = site.tracks[FOOD]
    with site.services.db.unit_of_work() as session:
        user = session.scalars(
            select(t.User).where(t.User.email == "ukraine@demo.gobetween.org")
        ).one()
        last = session.scalars(
            select(t.PreferenceVersion)
            .where(t.PreferenceVersion.track_id == food)
            .where(t.PreferenceVersion.party_id == site.orgs["Ukraine"])
            .order_by(t.PreferenceVersion.version.desc())
        ).first()
        body: dict[str, Any] = dict(last.body) if last is not None else {}
        assert body, "the demo gives Ukraine preferences on the food corridor"
        issues = list(body["ratings"])
        first, second = issues[0], issues[1]
        option = next(iter(body["ratings"][first]))
        other = next(iter(body["ratings"][second]))
        body["bonuses"] = [{"when": {first: [option]}, "bonus": 0.001}] * MAX_BONUSES
        pairs = [{"issue": first, "option": option}, {"issue": second, "option": other}]
        body["interactions"] = [{"pairs": pairs, "bonus": 0.1}]
        session.add(
            t.PreferenceVersion(
                track_id=food,
                party_id=site.orgs["Ukraine"],
                version=(last.version if last is not None else 0) + 1,
                body=body,
                author_id=user.id,
            )
        )


@pytest.mark.parametrize(("lang", "width"), SCREENS)
def test_too_many_rules_are_refused_at_the_rules_and_a_typed_change_stays(  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    browser_site, shots: Path, lang: str, width: int
) -> None:
    base, site, browser = browser_site
    _crowded(site)
    ukraine = _open(browser, base, site, "ukraine", lang, width)
    ukraine.goto(f"{base}/tracks/{site.tracks[FOOD]}/preferences")
    refusal = ukraine.locator("#rules-error")
    expected = _said(lang, "at most %(limit)s bonuses and interactions together", limit=MAX_BONUSES)
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(expected)
    expect(ukraine.locator("#rules #rules-error")).to_have_count(1)  # at the rules it is about
    # what is kept from the current version reads as a list (it began "...: ; 1 interaction")
    assert ": ;" not in ukraine.locator("main").inner_text()
    _fits(ukraine, lang)
    # a change typed on the refused page is refused again, and comes back as typed
    ukraine.fill("#reservation-num", "42")
    ukraine.locator("#reservation-num").dispatch_event("change")
    expect(ukraine.locator("#reservation")).to_have_value("42")
    statuses = _statuses(ukraine)
    ukraine.click("#prefs-form button[type=submit]")
    expect(ukraine.locator("#rules-error")).to_contain_text(expected)
    assert statuses == [422]
    expect(ukraine.locator("#reservation")).to_have_value("42")
    expect(ukraine.locator("#reservation-num")).to_have_value("42")
    _fits(ukraine, lang)
    ukraine.locator("#rules").scroll_into_view_if_needed()
    _shot(
        ukraine,
        lang,
        shots / "preferences-too-many-rules-phone-ar.png",
        shots / "preferences-too-many-rules-desktop.png",
    )
    assert ukraine.errors == []  # type: ignore[attr-defined]


def _menu_kept(page: Page, lang: str) -> None:
    """The error page keeps the signed-in delegate's header: their name, the way home and to
    the agreements, and Log out, in their language (a mistyped link strands no one)."""
    header = page.locator("header.top")
    expect(header.locator(".who")).to_have_text("Ukraine delegate")
    expect(header.locator(".agreements-link")).to_have_text(_said(lang, "Agreements"))
    expect(header.locator("form[action='/logout'] button")).to_have_text(_said(lang, "Log out"))
    expect(header.locator("form[action='/logout'] button")).to_be_visible()


@pytest.mark.parametrize(("lang", "width"), SCREENS)
def test_the_frameworks_refusals_are_pages_in_the_readers_language(  # type: ignore[no-untyped-def]  # Playwright's untyped browser
    browser_site, shots: Path, lang: str, width: int
) -> None:
    base, site, browser = browser_site
    ukraine = _open(browser, base, site, "ukraine", lang, width)
    problem = ukraine.locator("main .problem")

    missing = ukraine.goto(f"{base}/tracks/{site.tracks[FOOD]}/nowhere")
    assert missing is not None
    assert missing.status == 404
    expect(problem).to_have_text(_said(lang, "This page does not exist, or you may not see it."))
    expect(ukraine.locator("#form-kept")).to_have_count(0)  # no form was sent
    _menu_kept(ukraine, lang)
    _fits(ukraine, lang)
    _shot(ukraine, lang, shots / "error-page-404-phone-ar.png", None)

    # a form sent to an address that takes no form (a browser's GET of a POST-only address is
    # a 404 like any other)
    ukraine.goto(base + "/")
    statuses = _statuses(ukraine)
    ukraine.evaluate(
        """() => { const f = document.createElement('form');
                   f.method = 'post'; f.action = '/agreements';
                   document.body.append(f); f.submit(); }"""
    )
    said = _said(lang, "this address does not take %(method)s requests", method="POST")
    expect(problem).to_have_text(said)
    assert statuses == [405]
    _menu_kept(ukraine, lang)
    _fits(ukraine, lang)

    # a message with a file whose name is 10,000 characters: the framework cannot read the form
    ukraine.goto(base + "/")
    ukraine.locator(".process ul.tracks a", has_text=FOOD).first.click()
    ukraine.locator("a[href*='/channels/']").first.click()
    typed = "رسالة إلى الوسطاء" if lang == "ar" else "A message to the mediators"
    ukraine.fill("#message-text", typed)
    name = "n" * 10_000 + ".txt"
    ukraine.set_input_files(
        "#message-file", files=[{"name": name, "mimeType": "text/plain", "buffer": b"text"}]
    )
    statuses = _statuses(ukraine)
    ukraine.click("#composer button[type=submit]")
    unread = _said(
        lang,
        "the form's data could not be read: a part is malformed, or a part's header (a file "
        "name, for one) is too long",
    )
    expect(problem).to_have_text(unread)
    kept = "Nothing was saved. Your browser's Back button returns to the form as you filled it in."
    expect(ukraine.locator("#form-kept")).to_have_text(_said(lang, kept))
    assert statuses == [400]
    _menu_kept(ukraine, lang)
    _fits(ukraine, lang)
    _shot(
        ukraine, lang, shots / "error-page-form-phone-ar.png", shots / "error-page-form-desktop.png"
    )
    # going back, the browser still has the message as typed
    ukraine.go_back()
    expect(ukraine.locator("#message-text")).to_have_value(typed)
    assert ukraine.errors == []  # type: ignore[attr-defined]
