"""The sessions and security log page: a user sees where they are logged in, ends a session
or all others, and reads their account's events, in their language, on a phone too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.service.world import Clock
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls
from tests.web.test_browser import no_horizontal_scroll, open_as

from gobetween.service import two_factor

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
    assert fresh.post("/login", data=form).status_code == 401  # the password alone: no
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
    page.click("#tf-start")
    expect(page.locator("#tf-secret")).to_be_visible()
    no_horizontal_scroll(page)
    page.screenshot(path=str(shots / "account-security-phone-ar.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]
