"""An error page drawn before a page's own handler runs (no such address: 404; a method the
address does not take: 405; a form field the framework refuses: 422) keeps the signed-in user's
header, as every page shows it: their name, Agreements, Search, Log out, in their own language,
so that a delegate who mistypes a link is not stranded. It is read only (no writing unit), and
shows no one else anything: an anonymous visitor, or one whose session has ended, gets the
anonymous header."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import delete, select
from tests.service.write_units import WriteUnits
from tests.web.site import Site, one, soup, text_of

from gobetween import i18n
from gobetween.store import tables as t

UKRAINE = "ukraine@demo.gobetween.org"


def _said(lang: str, message: str, **values: object) -> str:
    with i18n.use_locale(lang):
        words = i18n._(message)
    return words % values if values else words


def _speaks(site: Site, email: str, locale: str) -> None:
    """The user's own language setting (their browser keeps asking for English)."""
    with site.services.db.unit_of_work() as session:
        user = session.scalars(select(t.User).where(t.User.email == email)).one()
        user.locale = locale


def _the_users_header(page: BeautifulSoup, lang: str, name: str) -> None:
    header = one(page, "header.top")
    assert text_of(header, ".who") == name
    assert text_of(header, ".agreements-link") == _said(lang, "Agreements")
    assert text_of(header, ".search-link") == _said(lang, "Search")
    logout = one(header, "form[action='/logout']")
    assert str(one(logout, "input[name=csrf_token]")["value"])  # the session's token
    assert text_of(logout, "button") == _said(lang, "Log out")


def _anonymous_header(page: BeautifulSoup) -> None:
    header = one(page, "header.top")
    assert not header.select(".who, .agreements-link, .search-link, form[action='/logout']")
    assert "Ukraine delegate" not in header.get_text()


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_a_404_and_a_405_keep_the_users_menu_in_their_language(
    site: Site, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    _speaks(site, UKRAINE, lang)
    ukraine = site.client("ukraine")
    units = WriteUnits().install(monkeypatch.setattr)

    missing = ukraine.get("/tracks/1/nowhere", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    page = soup(missing)
    assert one(page, "html")["lang"] == lang
    assert one(page, "html")["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert text_of(page, "main .problem") == _said(
        lang, "This page does not exist, or you may not see it."
    )
    _the_users_header(page, lang, "Ukraine delegate")

    wrong = ukraine.post("/agreements", data={"x": "1"}, headers={"Accept-Language": "en"})
    assert wrong.status_code == 405
    page = soup(wrong)
    assert one(page, "html")["lang"] == lang
    said = _said(lang, "this address does not take %(method)s requests", method="POST")
    assert text_of(page, "main .problem") == said
    _the_users_header(page, lang, "Ukraine delegate")

    long_email = ukraine.post("/login", data={"email": "x" * 300, "password": "p"})
    assert long_email.status_code == 422  # a field the framework refuses, on a page
    _the_users_header(soup(long_email), lang, "Ukraine delegate")

    nul = ukraine.post("/login", data={"email": "a\x00b", "password": "p"})
    assert nul.status_code == 422  # refused at the edge, before any route (the guard)
    _the_users_header(soup(nul), lang, "Ukraine delegate")

    assert units.holds == []  # read only: no writing unit (not even "last seen")


def test_an_anonymous_visitor_or_an_ended_session_gets_the_anonymous_header(site: Site) -> None:
    anonymous = site.client()
    missing = anonymous.get("/tracks/1/nowhere")
    assert missing.status_code == 404
    _anonymous_header(soup(missing))
    wrong = anonymous.post("/agreements", data={"x": "1"})
    assert wrong.status_code == 405
    _anonymous_header(soup(wrong))

    ukraine = site.client("ukraine")
    assert ukraine.post("/agreements").status_code == 405
    with site.services.db.unit_of_work() as session:  # the session ends (logged out elsewhere)
        session.execute(delete(t.WebSession))
    for response in (ukraine.get("/nowhere"), ukraine.post("/agreements", data={"x": "1"})):
        assert response.status_code in (404, 405)
        _anonymous_header(soup(response))
    forged = httpx.Cookies({"gobetween_session": "not-a-session"})
    assert forged  # a made-up cookie is no session either
    anonymous.cookies.update(forged)
    _anonymous_header(soup(anonymous.get("/nowhere")))
