"""Issue 12: a page's notice (a success message) and its form's error line are said in the
language of the page that shows them, the signed-in user's own setting, not the browser's; a
notice named in the address (``?done=``) is one of the pages' own; a page form refused before
its route runs (a field too long, a NUL character) gets an HTML page in the reader's language
naming the field, status 422, while the API keeps problem+json."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update
from tests.web.site import Site, csrf, one, soup, text_of

from gobetween import i18n
from gobetween.i18n import _
from gobetween.store import tables as t

ENGLISH = {"Accept-Language": "en"}
UKRAINIAN = {"Accept-Language": "uk"}


def _in(code: str, message: str, **values: object) -> str:
    with i18n.use_locale(code):
        return _(message) % values if values else _(message)


def _speaks_ukrainian(site: Site, seat: str) -> httpx.Client:
    """``seat`` logged in with Ukrainian as their own setting, in a browser that asks English."""
    with site.services.db.unit_of_work() as session:
        session.execute(
            update(t.User).where(t.User.email == f"{seat}@demo.gobetween.org").values(locale="uk")
        )
    c = site.client(seat)
    c.cookies.delete("gobetween_lang")
    c.headers.update(ENGLISH)
    return c


def test_a_notice_is_in_the_users_language_not_the_browsers(site: Site) -> None:
    c = _speaks_ukrainian(site, "ukraine")
    page = soup(c.get(f"/tracks/{site.tracks['food corridor']}/preferences?saved=3"))
    assert one(page, "html")["lang"] == "uk"
    assert text_of(page, ".flash.notice") == _in("uk", "Saved as version %(number)s.", number=3)
    english = soup(
        site.client("russia").get(
            f"/tracks/{site.tracks['food corridor']}/preferences?saved=3", headers=ENGLISH
        )
    )
    assert text_of(english, ".flash.notice") == "Saved as version 3."


def test_a_notice_named_in_the_address_is_said_in_the_users_language(site: Site) -> None:
    c = _speaks_ukrainian(site, "un")
    page = soup(c.get("/keys?done=key-confirmed"))
    assert text_of(page, ".flash.notice") == _in("uk", "Key confirmed.")
    assert text_of(page, ".flash.notice") != "Key confirmed."
    english = soup(site.client("turkiye").get("/keys?done=key-confirmed", headers=ENGLISH))
    assert text_of(english, ".flash.notice") == "Key confirmed."


@pytest.mark.parametrize("done", ["Your account is locked: call +1 555 0100", "signed2", ""])
def test_an_address_cannot_make_a_page_say_anything_else(site: Site, done: str) -> None:
    c = site.client("un")
    for url in ("/keys", "/agreements/1"):
        r = c.get(url, params={"done": done}, headers=ENGLISH)
        assert r.headers["content-type"].startswith("text/html")
        assert soup(r).select(".flash.notice") == [], url
        assert done == "" or done not in soup(r).get_text(), url  # (the switcher's link keeps it)


def test_the_account_pages_refusal_is_in_the_users_language(site: Site) -> None:
    c = _speaks_ukrainian(site, "ukraine")
    token = csrf(soup(c.get("/account/security")))
    r = c.post(
        "/account/two-factor/disable",
        data={"csrf_token": token, "current_password": "not the password"},
    )
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")
    assert _in("uk", "the current password is wrong") in said
    assert "password is wrong" not in said


def test_an_unticked_deletion_is_refused_in_the_users_language(site: Site) -> None:
    c = _speaks_ukrainian(site, "russia")
    token = csrf(soup(c.get("/account/security")))
    r = c.post("/account/delete", data={"csrf_token": token, "current_password": "x"})
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")
    assert _in("uk", "the deletion was not confirmed") in said
    assert "confirmed" not in said


# -- a page form refused before its route runs ---------------------------------------------------


def _login_form(c: httpx.Client, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf(soup(c.get("/login"))), **fields}


@pytest.mark.parametrize(("language", "field_words"), [("en", "the field email"), ("uk", None)])
def test_a_login_email_too_long_gets_the_page_naming_the_field(
    site: Site, language: str, field_words: str | None
) -> None:
    visitor = site.client()
    visitor.headers.update({"Accept-Language": language})
    r = visitor.post("/login", data=_login_form(visitor, email="a" * 2000, password="x"))
    assert r.status_code == 422
    page = soup(r)  # HTML, not problem+json
    assert one(page, "html")["lang"] == language
    detail = text_of(page, ".problem")
    expected = _in(language, "the field %(name)s", name="email")
    assert field_words is None or expected == field_words
    assert detail.startswith(expected + ": ")
    assert "254" in detail
    assert text_of(page, "h1") == _in(language, "Please check")


def test_the_api_keeps_problem_json_for_the_same_field(site: Site) -> None:
    r = site.client().post(
        "/api/auth/login", json={"email": "a" * 2000, "password": "x"}, headers=UKRAINIAN
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["title"] == "ValidationFailed"
    assert [e["location"] for e in body["errors"]] == ["body.email"]
    assert body["detail"].startswith(_in("uk", "the field %(name)s", name="email"))


def test_a_nul_character_in_a_page_form_gets_the_page_the_api_keeps_json(site: Site) -> None:
    """The request edge (service.guard) refuses it before any route: a page in the reader's
    language naming the field; the API's answer is problem+json as before."""
    visitor = site.client()
    form = _login_form(visitor, email="a\x00b@x.org", password="x")
    page = visitor.post("/login", data=form, headers=UKRAINIAN)
    assert page.status_code == 422
    said = text_of(soup(page), ".problem")
    assert said.startswith("email: ")
    assert _in("uk", "contains a NUL character") in said
    assert page.headers["x-frame-options"] == "DENY"  # the pages' own headers
    api = visitor.post("/api/auth/login", data=form, headers=UKRAINIAN)
    assert api.status_code == 422
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["errors"][0]["location"] == "email"


def test_a_page_form_too_large_gets_the_page_with_413(site: Site) -> None:
    """A body beyond the log-in's limit, refused by its length before a byte is read."""
    visitor = site.client()
    limit = site.services.settings.max_auth_body_bytes
    form = _login_form(visitor, email="a@b.org", password="x" * (limit + 1))
    page = visitor.post("/login", data=form, headers=UKRAINIAN)
    assert page.status_code == 413
    said = text_of(soup(page), ".problem")
    assert said == _in(
        "uk", "the request body is too large (at most %(limit)s bytes here)", limit=limit
    )
    api = visitor.post("/api/auth/login", data=form, headers=UKRAINIAN)
    assert api.status_code == 413
    assert api.headers["content-type"].startswith("application/problem+json")


def test_the_drafting_pages_notice_is_in_the_users_language(site: Site) -> None:
    c = _speaks_ukrainian(site, "un")
    page = soup(c.get(f"/tracks/{site.tracks['food corridor']}/draft?published=2"))
    said = _in("uk", "Version %(number)s published to every party.", number=2)
    assert text_of(page, ".flash.notice") == said
    assert said != "Version 2 published to every party."


def test_a_refusal_worded_while_the_page_acts_is_in_the_users_language(site: Site) -> None:
    """The admin page words its refusal inside the unit of work, before the page's frame is
    drawn: it is in the signed-in user's own language from the moment the caller is known."""
    from sqlalchemy import select

    with site.services.db.unit_of_work(write=False) as session:
        process = session.execute(
            select(t.Process.id).join(t.Track).where(t.Track.id == site.tracks["food corridor"])
        ).scalar_one()
    url = f"/processes/{process}/admin"
    c = _speaks_ukrainian(site, "secretariat")
    form = {"csrf_token": csrf(soup(c.get(url))), "action": "organisation", "kind": "pirate"}
    refused = c.post(url, data=form)
    assert refused.status_code == 422
    error = text_of(soup(refused), ".flash.error")
    assert _in("uk", "choose a kind") in error, error
    assert "choose a kind" not in error
