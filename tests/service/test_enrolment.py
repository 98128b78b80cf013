"""The enrolment race, closed: where a second factor is compulsory, the password alone no longer
sets one up. It takes a one-time link mailed to the owner's verified address (over a real SMTP
server, aiosmtpd), or one the installation's administrator hands over; a link works once, and
only for its own user."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from tests.service.asgi import client as asgi_client
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import mail, setup, two_factor
from gobetween.store import setup_tables as st
from gobetween.store import tables as t


@pytest.fixture
def eworld(database_url: str, box: Mailbox) -> Iterator[World]:
    settings = make_settings(database_url, require_two_factor="everyone", **mail_settings(box))
    w = World.build(settings)
    with w.services.db.unit_of_work() as session:
        session.add(st.Installation(id=1, admin_id=w.users["admin"]))
        for who in ("ua", "ru"):
            setup.mark_verified(session, w.users[who])
    try:
        yield w
    finally:
        w.close()


def _logged_in(w: World, who: str) -> tuple[httpx.Client, dict[str, str]]:
    """A browser that logged in with the password only (as an intruder who has it would)."""
    c = asgi_client(w.app)
    r = c.post("/api/auth/login", json={"email": f"{who}@example.org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, {"X-CSRF-Token": r.json()["csrf_token"]}


def _mailed_token(w: World, box: Mailbox, who: str) -> str:
    assert mail.deliver_due(w.services.db, w.services.settings) >= 1
    message = box.to(f"{who}@example.org")[-1]
    assert message["Subject"] == "Set up the second factor of your gobetween account"
    found = re.search(r"/enrol/([A-Za-z0-9_-]+)", box.body(message))
    assert found is not None
    return found.group(1)


def _enrol_directly(w: World, who: str) -> None:
    with w.services.db.unit_of_work() as session:
        user = session.get_one(t.User, w.users[who])
        token = setup._token(session, user, "enrol", dt.timedelta(hours=1))
        made = two_factor.start(session, user, rule="everyone", token=token)
        two_factor.confirm(session, user, _code(made.secret))


def _code(secret: str) -> str:
    return two_factor.code_at(secret, int(t.utcnow().timestamp()) // two_factor.PERIOD)


def test_the_password_alone_no_longer_enrols_the_mailed_link_does(
    eworld: World, box: Mailbox
) -> None:
    browser, csrf = _logged_in(eworld, "ua")
    with contextlib.closing(browser):
        refused = browser.post("/api/account/two-factor", headers=csrf)
        assert refused.status_code == 409
        assert "open the link mailed to your address" in refused.json()["detail"]
        guessed = browser.post("/api/account/two-factor", json={"token": "x" * 43}, headers=csrf)
        assert guessed.status_code == 404
        assert box.messages == []
        asked = browser.post("/api/account/two-factor/link", headers=csrf)
        assert asked.status_code == 202, asked.text
        token = _mailed_token(eworld, box, "ua")
        # another user's link is no use to this one (and is not used up by trying)
        ru_browser, ru_csrf = _logged_in(eworld, "ru")
        with contextlib.closing(ru_browser):
            assert (
                ru_browser.post("/api/account/two-factor/link", headers=ru_csrf).status_code == 202
            )
            ru_token = _mailed_token(eworld, box, "ru")
            body = {"token": ru_token}
            assert (
                browser.post("/api/account/two-factor", json=body, headers=csrf).status_code == 404
            )
            mine = ru_browser.post("/api/account/two-factor", json=body, headers=ru_csrf)
            assert mine.status_code == 201
        made = browser.post("/api/account/two-factor", json={"token": token}, headers=csrf)
        assert made.status_code == 201, made.text
        again = browser.post("/api/account/two-factor", json={"token": token}, headers=csrf)
        assert again.status_code == 404  # a link works once
        done = browser.post(
            "/api/account/two-factor/confirm",
            json={"code": _code(made.json()["secret"])},
            headers=csrf,
        )
        assert done.status_code == 200, done.text
        assert browser.get("/api/processes").status_code == 200


def test_under_compulsion_an_unconfirmed_key_is_not_shown_again(eworld: World) -> None:
    with eworld.services.db.unit_of_work() as session:
        user = session.get_one(t.User, eworld.users["ua"])
        token = setup._token(session, user, "enrol", dt.timedelta(hours=1))
        made = two_factor.start(session, user, rule="everyone", token=token)
        assert made.secret
        assert two_factor.pending(session, user, rule="everyone") == two_factor.Enrolment("", "")
    off = dataclasses.replace(eworld.services.settings, require_two_factor="off")
    with eworld.services.db.unit_of_work() as session:
        user = session.get_one(t.User, eworld.users["ua"])
        shown = two_factor.pending(session, user, rule=off.require_two_factor)
        assert shown is not None
        assert shown.secret == made.secret  # free to choose: shown again, as before


def test_without_a_verified_address_the_administrator_hands_over_a_link(
    eworld: World, box: Mailbox
) -> None:
    browser, csrf = _logged_in(eworld, "ua2")  # never verified
    with contextlib.closing(browser):
        asked = browser.post("/api/account/two-factor/link", headers=csrf)
        assert asked.status_code == 409
        assert "ask the administrator of this installation" in asked.json()["detail"]
        url = "/api/admin/two-factor/link"
        _enrol_directly(eworld, "admin")  # the administrator must have one too ("everyone")
        assert eworld.post("un", url, json={"email": "ua2@example.org"}).status_code == 403
        assert eworld.post("admin", url, json={"email": "no@example.org"}).status_code == 404
        handed = eworld.post("admin", url, json={"email": "ua2@example.org"})
        assert handed.status_code == 201, handed.text
        link = handed.json()["link"]
        assert link.startswith("https://talks.example.org/enrol/")  # the public address
        token = link.rsplit("/", 1)[1]
        made = browser.post("/api/account/two-factor", json={"token": token}, headers=csrf)
        assert made.status_code == 201, made.text
    mail.deliver_due(eworld.services.db, eworld.services.settings)
    assert box.to("ua2@example.org") == []  # nothing was mailed to an unverified address
    with eworld.services.db.unit_of_work(write=False) as session:
        actions = session.scalars(select(t.AuditEntry.action)).all()
        assert "user.two_factor.enrol_link" in actions


def test_at_most_three_links_an_hour(eworld: World, box: Mailbox) -> None:
    browser, csrf = _logged_in(eworld, "ua")
    with contextlib.closing(browser):
        for _ in range(5):
            assert browser.post("/api/account/two-factor/link", headers=csrf).status_code == 202
    assert mail.deliver_due(eworld.services.db, eworld.services.settings) == 3
    assert len(box.to("ua@example.org")) == 3
