"""The sessions and security log page: a user sees where they are logged in, ends a session
or all others, and reads their account's events, in their language, on a phone too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.service.world import Clock
from tests.web.browsing import no_horizontal_scroll, open_as
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls
from tests.web.test_enrolment_pages import enrolment_token

from gobetween.service import two_factor
from gobetween.store import tables as t

EMAIL = "ukraine@demo.gobetween.org"


def _log_in(site: Site, agent: str) -> httpx.Client:
    c = site.client()
    c.headers["User-Agent"] = agent
    token = csrf(soup(c.get("/login")))
    r = c.post(
        "/login",
        data={"csrf_token": token, "email": EMAIL, "password": site.passwords["ukraine"]},
    )
    assert r.status_code == 303, r.text
    return c


def test_a_user_sees_their_sessions_and_ends_one_and_then_all_others(site: Site) -> None:
    wrong = site.client()
    token = csrf(soup(wrong.get("/login")))
    wrong.post("/login", data={"csrf_token": token, "email": EMAIL, "password": "not mine at all"})
    phone = _log_in(site, "Phone browser")
    laptop = _log_in(site, "Laptop browser")
    tablet = _log_in(site, "Tablet browser")
    page = soup(laptop.get("/account/security"))
    rows = page.select("#sessions tbody tr")
    agents = [r.select_one("td").get_text(strip=True) for r in rows]
    assert agents == ["Tablet browser", "Laptop browser", "Phone browser"]
    assert "This session" in rows[1].get_text()
    kinds = [r["data-kind"] for r in page.select("#security-log tbody tr")]
    assert kinds[:4] == ["login", "login", "login", "login.failed"]
    assert "Failed log-in (wrong password)" in text_of(page, "#security-log")
    phone_key = rows[2]["data-session"]
    r = laptop.post(f"/account/sessions/{phone_key}/end", data={"csrf_token": csrf(page)})
    assert r.status_code == 303, r.text
    assert phone.get("/account/security").status_code == 303  # sent to the log-in page
    page = soup(laptop.get("/account/security"))
    r = laptop.post("/account/sessions/end-others", data={"csrf_token": csrf(page)})
    assert r.status_code == 303
    assert tablet.get("/account/security").status_code == 303
    page = soup(laptop.get("/account/security"))
    assert len(page.select("#sessions tbody tr")) == 1
    assert not page.select("#end-others")


def test_the_page_speaks_the_users_language(site: Site) -> None:
    c = _log_in(site, "Phone browser")
    c.cookies.set("gobetween_lang", "uk")
    page = soup(c.get("/account/security", headers={"Accept-Language": "uk"}))
    heading = page.select_one("h1").get_text(strip=True)
    assert heading != "Sessions and security log", heading


def test_ending_another_users_session_looks_like_a_missing_one(site: Site) -> None:
    mine = _log_in(site, "mine")
    other = site.client("russia")
    page = soup(mine.get("/account/security"))
    key = page.select("#sessions tbody tr")[0]["data-session"]
    form = soup(other.get("/settings"))
    theirs = other.post(f"/account/sessions/{key}/end", data={"csrf_token": csrf(form)})
    missing = other.post(f"/account/sessions/{'0' * 16}/end", data={"csrf_token": csrf(form)})
    assert theirs.status_code == missing.status_code == 404
    assert mine.get("/account/security").status_code == 200


def test_a_user_turns_on_the_second_factor_and_then_logs_in_with_a_code(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
    clock = Clock(start)
    clock.install(monkeypatch)
    c = _log_in(site, "Phone browser")
    page = soup(c.get("/account/security"))
    r = c.post("/account/two-factor/start", data={"csrf_token": csrf(page)})
    page = soup(r)
    secret = text_of(page, "#tf-secret")
    assert one(page, "#tf-uri")["href"].startswith("otpauth://totp/")
    assert unlabelled_controls(page) == []
    wrong = c.post("/account/two-factor/confirm", data={"csrf_token": csrf(page), "code": "1"})
    assert wrong.status_code == 422
    assert "does not match" in text_of(soup(wrong), ".flash.error")
    assert text_of(soup(wrong), "#tf-secret") == secret  # asked again, the same key
    step = int(start.timestamp()) // two_factor.PERIOD
    code = two_factor.code_at(secret, step)
    done = soup(
        c.post("/account/two-factor/confirm", data={"csrf_token": csrf(page), "code": code})
    )
    assert len(done.select(".recovery-codes li")) == 10
    clock.set(start + dt.timedelta(minutes=2))
    fresh = site.client()
    token = csrf(soup(fresh.get("/login")))
    form = {"csrf_token": token, "email": EMAIL, "password": site.passwords["ukraine"]}
    refused = fresh.post("/login", data=form)
    assert refused.status_code == 401  # the password alone: no, and a new browser is not told
    assert text_of(soup(refused), ".flash.error").startswith("Wrong e-mail address or password")
    token = csrf(soup(c.get("/login")))  # the browser that logged in before is told plainly
    told = c.post("/login", data={**form, "csrf_token": token, "code": "000000"})
    assert told.status_code == 401
    assert "The password is right, but the code is wrong" in text_of(soup(told), ".flash.error")
    token = csrf(soup(fresh.get("/login")))
    now = two_factor.code_at(secret, step + 4)
    ok = fresh.post("/login", data={**form, "csrf_token": token, "code": now})
    assert ok.status_code == 303, ok.text
    page = soup(fresh.get("/account/security"))
    assert "two_factor.enabled" in [r["data-kind"] for r in page.select("#security-log tbody tr")]
    off = fresh.post(
        "/account/two-factor/disable",
        data={"csrf_token": csrf(page), "current_password": site.passwords["ukraine"]},
    )
    assert off.status_code == 303
    assert one(soup(fresh.get("/account/security")), "#tf-start")


@pytest.mark.browser
def test_the_security_page_on_a_phone_in_arabic(browser_site: Any, shots: Path) -> None:
    """Phone-sized, right to left: the sessions table and the second factor's set-up fit."""
    base, site, browser = browser_site
    page = open_as(browser, base, site, "ukraine", 360, "Europe/Kyiv")
    page.goto(base + "/settings")
    page.select_option("#settings-locale", "ar")
    page.click("#settings-form button[type=submit]")
    page.goto(base + "/account/security")
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    no_horizontal_scroll(page)
    box = page.locator("#sessions .scroll")  # the sessions stacked, not a table to scroll
    assert box.evaluate("el => el.scrollWidth") == box.evaluate("el => el.clientWidth")
    page.click("#tf-start")
    expect(page.locator("#tf-secret")).to_be_visible()
    no_horizontal_scroll(page)
    page.screenshot(path=str(shots / "account-security-phone-ar.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.browser
def test_the_sessions_are_readable_on_a_390_px_phone(browser_site: Any) -> None:
    """Each session a block of labelled lines on a phone: nothing scrolls sideways, neither
    the page nor the sessions' box, and every value still says what it is."""
    base, site, browser = browser_site
    with httpx.Client(base_url=base, headers={"User-Agent": PHONE_AGENT}) as other:
        form = {"email": EMAIL, "password": site.passwords["ukraine"]}
        form["csrf_token"] = csrf(soup(other.get("/login")))
        assert other.post("/login", data=form).status_code == 303  # a second session
    page = open_as(browser, base, site, "ukraine", 390, "Europe/Kyiv")
    page.goto(base + "/account/security")
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    box = page.locator("#sessions .scroll")
    assert box.evaluate("el => el.scrollWidth") == box.evaluate("el => el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    labels = page.locator("#sessions tbody tr").first.evaluate(
        "tr => [...tr.cells].map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels[1:5] == ['"Address: "', '"Since: "', '"Last seen: "', '"Until: "'], labels
    expect(page.locator("#sessions tbody button")).to_have_text("End")
    page.set_viewport_size({"width": 1280, "height": 800})  # a wide screen keeps the table
    assert page.locator("#sessions thead th").first.evaluate("th => th.offsetWidth") > 1
    assert page.errors == []  # type: ignore[attr-defined]


def _enrol_on_the_page(c: httpx.Client, start: dt.datetime, link: str = "") -> str:
    """Set up a second factor on the page; ``link``: the enrolment link's token, for one who
    must have a second factor."""
    page = soup(c.get(f"/enrol/{link}" if link else "/account/security"))
    form = {"csrf_token": csrf(page)} | ({"token": link} if link else {})
    page = soup(c.post("/account/two-factor/start", data=form))
    secret = text_of(page, "#tf-secret")
    code = two_factor.code_at(secret, int(start.timestamp()) // two_factor.PERIOD)
    done = c.post("/account/two-factor/confirm", data={"csrf_token": csrf(page), "code": code})
    assert len(soup(done).select(".recovery-codes li")) == 10, done.text
    return secret


def test_a_convener_requires_a_second_factor_and_a_member_is_sent_to_set_one_up(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
    Clock(start).install(monkeypatch)
    with site.services.db.unit_of_work(write=False) as session:
        process = session.execute(
            select(t.Process.id).join(t.Track).where(t.Track.id == site.tracks["food corridor"])
        ).scalar_one()
    admin_url = f"/processes/{process}/admin"
    convener = site.client("secretariat")
    page = soup(convener.get(admin_url))
    assert "Each member chooses" in text_of(page, "#two-factor-rule")
    form = {"csrf_token": csrf(page), "action": "two_factor", "required": "1"}
    refused = convener.post(admin_url, data=form)
    assert refused.status_code == 422  # the convener's own second factor first
    assert "your own second factor" in text_of(soup(refused), ".flash.error")
    _enrol_on_the_page(convener, start)
    assert convener.post(admin_url, data=form).status_code == 303
    assert "have not set one up yet" in text_of(soup(convener.get(admin_url)), "#two-factor-rule")

    member = _log_in(site, "Phone browser")  # the password still logs in ...
    home = member.get("/")
    assert home.status_code == 303  # ... and every page sends the member to set it up
    assert home.headers["location"] == "/account/security#two-factor"
    assert member.get(f"/tracks/{site.tracks['food corridor']}/channel").status_code == 303
    page = soup(member.get("/account/security"))
    notice = text_of(page, "#tf-required")
    assert "Black Sea" in notice, notice  # who requires it, by the process's name
    assert one(page, "#tf-link")  # the password alone does not set one up: a mailed link does
    assert not page.select("#tf-start")
    _enrol_on_the_page(member, start, enrolment_token(site, EMAIL))
    assert member.get("/").status_code == 200
    page = soup(member.get("/account/security"))
    assert not page.select("#tf-required")
    off = member.post(
        "/account/two-factor/disable",
        data={"csrf_token": csrf(page), "current_password": site.passwords["ukraine"]},
    )
    assert off.status_code == 422  # not while the process requires it
    assert "Black Sea" in text_of(soup(off), ".flash.error")


def test_a_member_who_must_set_up_a_second_factor_can_still_log_out(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.services.settings = dataclasses.replace(
        site.services.settings, require_two_factor="everyone"
    )
    member = _log_in(site, "Laptop browser")
    page = soup(member.get("/account/security"))
    assert "this installation (for everyone)" in text_of(page, "#tf-required")
    out = member.post("/logout", data={"csrf_token": csrf(page)})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert member.get("/account/security").status_code == 303  # logged out: to the log-in


def test_a_member_sent_to_set_up_a_second_factor_in_a_browser(
    browser_site: Any, shots: Path
) -> None:
    """The forced set-up as a member meets it: logged in, sent to the security page, told who
    requires it, the enrolment link followed, the key shown; then every page open again."""
    base, site, browser = browser_site
    site.services.settings = dataclasses.replace(
        site.services.settings, require_two_factor="everyone"
    )
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", site.passwords["ukraine"])
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(base + "/account/security#two-factor")
    expect(page.locator("#tf-required")).to_contain_text("this installation (for everyone)")
    expect(page.locator("#tf-start")).to_have_count(0)  # the password alone does not enrol
    expect(page.locator("#tf-link")).to_be_visible()
    page.goto(base + "/enrol/" + enrolment_token(site, EMAIL))  # as if mailed to the owner
    page.click("#tf-start")
    expect(page.locator("#tf-secret")).to_be_visible()
    page.screenshot(path=str(shots / "account-two-factor-required.png"), full_page=True)
    secret = page.inner_text("#tf-secret").strip()
    step = int(dt.datetime.now(dt.UTC).timestamp()) // two_factor.PERIOD
    page.fill("#tf-code", two_factor.code_at(secret, step))
    page.click("#two-factor button[type=submit]")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.goto(base + "/")
    expect(page).to_have_url(base + "/")
    assert errors == []
    context.close()


def test_the_device_of_a_session_is_named_in_the_readers_language(site: Site) -> None:
    """The session list names a device's browser and system in the reader's words ("Chrome на
    Android", "Chrome على Android"), as the security e-mails do; before, always in English."""
    phone = _log_in(site, PHONE_AGENT)
    page = soup(phone.get("/account/security", headers={"Accept-Language": "uk"}))
    assert "Chrome на Android" in text_of(page, "#sessions .last-seen")
    assert "Chrome on Android" not in page.get_text()
    page = soup(phone.get("/account/security", headers={"Accept-Language": "ar"}))
    assert "Chrome على Android" in text_of(page, "#sessions .last-seen")
    english = soup(phone.get("/account/security", headers={"Accept-Language": "en"}))
    assert "Chrome on Android" in text_of(english, "#sessions .last-seen")
