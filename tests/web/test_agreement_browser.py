"""Signing in Debian's chromium: the four signatories of the corridor agreement each register
their public key and sign with their private key file in the browser (WebCrypto Ed25519; the key
never leaves the page), each downloads its own instrument, the verification page finds the
bundle valid, and the implementation dashboard shows the JCC's published figures.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (the guides use ``docs/images``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.web.browsing import open_as, open_folds

from gobetween.agreements import generate_private_key, private_key_pem, public_key_pem
from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.service.signing_keys import confirm_key
from gobetween.store import agreement_tables as a
from gobetween.store import repositories
from gobetween.store import tables as t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIGNERS = {
    "un": "United Nations",
    "turkiye": "Türkiye",
    "ukraine": "Ukraine",
    "russia": "Russian Federation",
}


def _keys(folder: Path) -> dict[str, tuple[Path, Path]]:
    """A key pair per signatory, as `gobetween keys new` writes them."""
    out = {}
    for seat in SIGNERS:
        key = generate_private_key()
        private, public = folder / f"{seat}.key", folder / f"{seat}.pub.pem"
        private.write_bytes(private_key_pem(key))
        public.write_bytes(public_key_pem(key))
        out[seat] = (private, public)
    return out


def _confirm_all_keys(session: Session) -> None:
    secretariat = session.execute(
        select(t.User.id).where(t.User.email == "secretariat@demo.gobetween.org")
    ).scalar_one()
    actor = repositories.load_actor(session, secretariat)
    for key_id in session.execute(select(a.SigningKey.id)).scalars():
        confirm_key(session, actor, key_id)


def test_every_signatory_signs_in_the_browser(browser_site, shots: Path, tmp_path: Path) -> None:
    base, site, browser = browser_site
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session, signed=False)
    keys = _keys(tmp_path)
    pages = {}
    for n, (seat, org) in enumerate(SIGNERS.items()):
        page = open_as(browser, base, site, seat, 1100, "Europe/Istanbul")
        pages[seat] = page
        page.goto(f"{base}/agreements/{aid}")
        expect(page.locator("#agreement-status")).to_have_attribute("data-status", "draft")
        # key files are for technical staff: folded away until asked for
        expect(page.locator(".key-form button")).to_be_hidden()
        page.locator("details.technical summary").click()
        page.locator(".key-form input[type=file]").set_input_files(str(keys[seat][1]))
        page.locator(".key-form button").click()
        expect(page.locator(".flash.notice")).to_contain_text("key registered")
        expect(page.locator(".fingerprint")).to_be_visible()
        page.locator("details.technical summary").click()
        page.locator(".sign-form input[type=file]").set_input_files(str(keys[seat][0]))
        if n == 0:
            page.screenshot(path=str(shots / "agreement-signing.png"), full_page=True)
        page.locator(".sign-form button").click()
        expect(page).to_have_url(f"{base}/agreements/{aid}?done=signed")
        own = page.locator(f".signatories li:has-text('{org}: signed')")
        expect(own).to_have_count(1 if org in ("Ukraine", "Russian Federation") else 2)
        assert page.errors == []  # type: ignore[attr-defined]
    ru = pages["russia"]
    ru.goto(f"{base}/agreements/{aid}?open=all")  # every section open, for the picture
    expect(ru.locator("#agreement-status")).to_have_attribute("data-status", "in_force")
    expect(ru.locator(".signatories li[data-signed=false]")).to_have_count(0)
    expect(ru.locator("#log li[data-type=entered_into_force]")).to_have_count(1)
    ru.screenshot(path=str(shots / "agreement-in-force.png"), full_page=True)
    # each party downloads its own instrument; a mediator the one it chooses
    for seat, party in (
        ("ukraine", "Ukraine"),
        ("russia", "Russian Federation"),
        ("un", "Ukraine"),
    ):
        page = pages[seat]
        page.goto(f"{base}/agreements/{aid}")
        article = page.locator(f"article.instrument[data-party='{party}']")
        if seat != "un":
            expect(article).to_have_class("card instrument own")
        article.locator("summary").click()  # its signatories and downloads, folded
        with page.expect_download() as download:
            article.locator("a.pdf").click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(b"%PDF")
    # the secretariat confirms the four registered keys (signatures by unconfirmed keys are
    # reported by the verification)
    with site.services.db.unit_of_work() as session:
        _confirm_all_keys(session)
    # verification
    tr = pages["turkiye"]
    tr.goto(f"{base}/agreements/{aid}/verify")
    expect(tr.locator(".verdict")).to_have_attribute("data-ok", "true")
    expect(tr.locator("#signed-count")).to_have_text("6")
    tr.screenshot(path=str(shots / "agreement-verified.png"), full_page=True)
    # the joint record's dashboard
    ua = pages["ukraine"]
    ua.goto(f"{base}/agreements/{aid}/implementation")
    open_folds(ua)
    expect(ua.locator("#fig-voyages")).to_have_text("981")
    expect(ua.locator("#fig-tonnes")).to_have_text("31.74")
    expect(ua.locator("#fig-developing")).to_have_text("57.1%")
    expect(ua.locator("#fig-wfp")).to_have_text("625,169 t")
    expect(ua.locator("#fig-ports")).to_have_text(
        "Chornomorsk 433, Odesa 373, Yuzhny/Pivdennyi 314"
    )
    expect(ua.locator("#waits tr[data-month='2022-08'] .median")).to_have_text("2")
    expect(ua.locator("#waits tr[data-month='2022-10'] .median")).to_have_text("15")
    assert ua.locator("svg.chart").count() >= 6  # barometer, months, days, queue, waits, terms
    assert ua.locator("table.bars").count() == 3  # tonnage by country, income group, commodity
    ua.screenshot(path=str(shots / "implementation-dashboard.png"), full_page=True)
    for page in pages.values():
        assert page.errors == []  # type: ignore[attr-defined]
