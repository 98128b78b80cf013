"""The security page where a second factor is compulsory: no key for the password alone, a
button that mails the enrolment link, the link's page that uses it, and a mistyped code that
does not show the key again."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from tests.web.site import Site, csrf, soup, text_of

from gobetween.service import enrolment, setup
from gobetween.store import tables as t

EMAIL = "ukraine@demo.gobetween.org"
#: the page's error (the notice that a second factor is required is one too)
ERROR = ".flash.error:not(#tf-required)"


def enrolment_token(site: Site, email: str) -> str:
    """A token of an enrolment link for ``email``, as the mail would carry it
    (tests/service/test_enrolment.py follows a mailed one over SMTP)."""
    with site.services.db.unit_of_work() as session:
        user = session.execute(select(t.User).where(t.User.email == email)).scalar_one()
        return setup._token(session, user, enrolment.PURPOSE, dt.timedelta(hours=1))


def test_a_member_who_must_enrol_needs_the_link(site: Site) -> None:
    site.services.settings = dataclasses.replace(
        site.services.settings, require_two_factor="everyone"
    )
    member = site.client()
    token = csrf(soup(member.get("/login")))
    login = {"csrf_token": token, "email": EMAIL, "password": site.passwords["ukraine"]}
    assert member.post("/login", data=login).status_code == 303
    page = soup(member.get("/account/security"))
    assert page.select("#tf-start") == []
    assert page.select_one("#tf-link") is not None
    forced = member.post("/account/two-factor/start", data={"csrf_token": csrf(page)})
    assert forced.status_code == 422
    assert "open the link mailed to your address" in text_of(soup(forced), ERROR)
    assert soup(forced).select("#tf-secret") == []
    linked = soup(member.get("/enrol/" + enrolment_token(site, EMAIL)))
    button = linked.select_one("#tf-start")
    assert button is not None
    hidden = linked.select_one("#two-factor input[name=token]")
    assert hidden is not None
    form = {"csrf_token": csrf(linked), "token": str(hidden["value"])}
    started = soup(member.post("/account/two-factor/start", data=form))
    assert text_of(started, "#tf-secret")
    again = member.post("/account/two-factor/start", data=form)
    assert "this link is unknown, has been used or has expired" in text_of(soup(again), ERROR)
    wrong = member.post(
        "/account/two-factor/confirm", data={"csrf_token": csrf(started), "code": "000000"}
    )
    assert wrong.status_code == 422
    assert soup(wrong).select("#tf-secret") == []  # the key is not shown to the password alone
    assert soup(wrong).select_one("#tf-code") is not None  # the code can still be typed
