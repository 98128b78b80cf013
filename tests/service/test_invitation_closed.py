"""An invitation that can no longer be answered says what happened, when, and what to do next,
in the reader's language: used ("already accepted": log in; the account that accepted it is
led to its process), declined on a date, expired on a date (ask the process's administrators
for a new one). The API answers 409 ``InvitationClosed`` with the same words on the link's
route and on the invitee's own, and the invitee's answer on the home page gets the link's page
(409). Only a link that never was an invitation answers 404, the same for any such link.

Before, a used, declined or expired invitation answered a bare 404 ("no such invitation, or it
has been used, declined or has expired") on the API and on the home page's answer, a submitted
link form 422, its page said neither when nor whom to ask, and an unknown link's page answered
200.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import update
from tests.service import links
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World

from gobetween import i18n
from gobetween.service.security import new_token
from gobetween.store import tables as t

#: When the invitation of a test was declined, or expired.
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ADMIN = "admin <admin@example.org>"


def _said(when: dt.datetime, locale: str) -> str:
    """A moment as the pages and messages say it in ``locale`` (no zone chosen: UTC)."""
    return i18n.format_datetime(when, locale, "UTC")


def _closed(r: httpx.Response) -> str:
    """The problem's ``detail`` of a closed invitation's refusal (checked to be one)."""
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["title"] == "InvitationClosed"
    assert problem["errors"] == []
    return str(problem["detail"])


def _page(r: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(r.text, "html.parser")


def _text(doc: BeautifulSoup, selector: str) -> str:
    found = doc.select(selector)
    assert len(found) == 1, (selector, len(found))
    return re.sub(r"[ \n]+", " ", found[0].get_text()).strip()


def _invitation_of(world: World, who: str) -> int:
    """The id of ``who``'s one pending invitation (as their home page lists it)."""
    (pending,) = world.get(who, "/api/invitations").json()
    return int(pending["id"])


def _set(world: World, invitation_id: int, **values: object) -> None:
    with world.services.db.unit_of_work() as session:
        stmt = update(t.Invitation).where(t.Invitation.id == invitation_id).values(**values)
        session.execute(stmt)


@contextlib.contextmanager
def _browser(world: World, email: str) -> Iterator[httpx.Client]:
    """A browser logged in at ``email`` (a session cookie)."""
    c = asgi_client(world.app)
    try:
        r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c
    finally:
        c.close()


def test_a_used_link_says_it_was_accepted_and_leads_its_account_to_the_process(
    world: World,
) -> None:
    token = links.invitation_link(world, "new@example.org")
    account = {"token": token, "name": "New", "password": PASSWORD}
    joined = world.client.post("/api/invitations/accept", json=account)
    assert joined.status_code == 201, joined.text
    again = world.client.post("/api/invitations/accept", json=account)
    assert _closed(again) == (
        "this invitation has already been accepted: log in with its address to take part"
    )
    sent = world.client.post(f"/invitations/{token}", data={"name": "New", "password": PASSWORD})
    assert sent.status_code == 409
    assert 'data-state="used"' in sent.text
    assert 'id="invitation-form"' not in sent.text
    world.client.cookies.clear()
    page = world.client.get(f"/invitations/{token}")
    assert page.status_code == 200
    doc = _page(page)
    assert _text(doc, "h1") == "This invitation has already been accepted"
    assert _text(doc, "#invitation-state > p:first-child") == (
        "The invitation to “Black Sea talks” was accepted, so its link cannot be used again."
    )
    assert [a["href"] for a in doc.select("#invitation-next a")] == ["/login"]
    with _browser(world, "new@example.org") as mine:
        doc = _page(mine.get(f"/invitations/{token}"))
        process = f"/#process-{world.process_id}"
        assert [a["href"] for a in doc.select("#invitation-next a")] == [process]
        assert _text(doc, "#invitation-next") == "Go to “Black Sea talks”"
        assert _page(mine.get("/")).select(f"section#process-{world.process_id}")
        seat = f"/api/processes/{world.process_id}/members/{joined.json()['id']}"
        assert world.request("admin", "DELETE", seat).status_code == 204
        doc = _page(mine.get(f"/invitations/{token}"))  # no seat any more: no way in
        assert not doc.select("#invitation-next a")
        assert _text(doc, "#invitation-next") == (
            "Your account no longer holds a seat in this process: ask its administrators if "
            "you expected to take part."
        )
    with _browser(world, "ua@example.org") as someone_else:  # the link in other hands
        doc = _page(someone_else.get(f"/invitations/{token}"))
        assert [a["href"] for a in doc.select("#invitation-next a")] == ["/login"]


def test_a_declined_invitation_says_when_and_whom_to_ask_in_the_readers_language(
    world: World,
) -> None:
    token = links.invitation_link(world, "outsider@example.org")
    invitation = _invitation_of(world, "outsider")
    assert world.post("outsider", f"/api/invitations/{invitation}/decline").status_code == 204
    _set(world, invitation, declined_at=AT)
    expected = (
        f"this invitation was declined on {_said(AT, 'en')}: to take part after all, ask the "
        f"process's administrators for a new one ({ADMIN} invited you)"
    )
    for route in ("accept", "decline"):
        answer = world.post("outsider", f"/api/invitations/{invitation}/{route}")
        assert _closed(answer) == expected, route
    by_link = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "O", "password": PASSWORD}
    )
    assert _closed(by_link) == expected  # before "log in to accept": the link says it is over
    in_ukrainian = world.post(
        "outsider", f"/api/invitations/{invitation}/accept", headers={"Accept-Language": "uk"}
    )
    assert _said(AT, "uk") in _closed(in_ukrainian)
    lookup = world.client.post("/api/invitations/lookup", json={"token": token}).json()
    assert lookup["state"] == "declined"
    assert dt.datetime.fromisoformat(lookup["declined_at"]).replace(tzinfo=dt.UTC) == AT
    page = world.client.get(f"/invitations/{token}")
    assert page.status_code == 200
    doc = _page(page)
    assert _text(doc, "h1") == "This invitation was declined"
    assert _text(doc, "#invitation-state > p:first-child") == (
        f"The invitation to “Black Sea talks” was declined on {_said(AT, 'en')}."
    )
    assert doc.select("#invitation-state time")[0]["datetime"] == AT.isoformat()
    assert _text(doc, "#invitation-next") == (
        "If you changed your mind, ask the process's administrators for a new invitation: "
        f"{ADMIN} invited you."
    )
    ukrainian = world.client.get(f"/invitations/{token}", headers={"Accept-Language": "uk"})
    assert _said(AT, "uk") in _text(_page(ukrainian), "#invitation-state time")


def test_an_expired_invitation_says_when_and_whom_to_ask(world: World) -> None:
    token = links.invitation_link(world, "late@example.org")
    with world.services.db.unit_of_work() as session:
        session.execute(update(t.Invitation).values(expires_at=AT))
    expected = (
        f"this invitation expired on {_said(AT, 'en')}: ask the process's administrators for a "
        f"new one ({ADMIN} invited you)"
    )
    account = {"token": token, "name": "Late", "password": PASSWORD}
    assert _closed(world.client.post("/api/invitations/accept", json=account)) == expected
    sent = world.client.post(f"/invitations/{token}", data={"name": "Late", "password": PASSWORD})
    assert sent.status_code == 409
    assert 'data-state="expired"' in sent.text
    assert 'id="error-summary"' not in sent.text  # the page says it, once
    page = world.client.get(f"/invitations/{token}")
    assert page.status_code == 200
    doc = _page(page)
    assert _text(doc, "h1") == "This invitation has expired"
    assert _text(doc, "#invitation-state > p:first-child") == (
        f"The invitation to “Black Sea talks” expired on {_said(AT, 'en')}."
    )
    assert _text(doc, "#invitation-next") == (
        f"Ask the process's administrators for a new invitation: {ADMIN} invited you."
    )
    assert not doc.select("main form")


def test_the_invitees_answer_to_a_closed_invitation_gets_its_page(world: World) -> None:
    links.invitation_link(world, "outsider@example.org")
    invitation = _invitation_of(world, "outsider")
    with _browser(world, "outsider@example.org") as browser:
        home = _page(browser.get("/"))
        field = f"#pending-invitations li[data-invitation='{invitation}'] input[name=csrf_token]"
        (token,) = home.select(field)
        csrf = str(token["value"])
        _set(world, invitation, expires_at=AT)
        answer = {"csrf_token": csrf, "answer": "accept"}
        late = browser.post(f"/my-invitations/{invitation}", data=answer)
        assert late.status_code == 409
        doc = _page(late)
        assert [s["data-state"] for s in doc.select("#invitation-state")] == ["expired"]
        assert _said(AT, "en") in _text(doc, "#invitation-state > p:first-child")
        _set(world, invitation, expires_at=t.utcnow() + dt.timedelta(days=1))
        assert browser.post(f"/my-invitations/{invitation}", data=answer).status_code == 303
        again = browser.post(f"/my-invitations/{invitation}", data=answer)  # another tab
        assert again.status_code == 409
        doc = _page(again)
        assert _text(doc, "h1") == "This invitation has already been accepted"
        process = f"/#process-{world.process_id}"
        assert [a["href"] for a in doc.select("#invitation-next a")] == [process]
        for other in (invitation + 1, 999_999):  # no such invitation: as before
            missing = browser.post(f"/my-invitations/{other}", data=answer)
            assert missing.status_code == 404
            assert "invitation-state" not in missing.text


def test_someone_elses_closed_invitation_answers_like_none(world: World) -> None:
    links.invitation_link(world, "outsider@example.org")
    invitation = _invitation_of(world, "outsider")
    assert world.post("outsider", f"/api/invitations/{invitation}/decline").status_code == 204
    answers = [world.post("ua", f"/api/invitations/{n}/accept") for n in (invitation, 999_999)]
    assert [a.status_code for a in answers] == [404, 404]
    details = [re.sub(r"\d+", "N", a.json()["detail"]) for a in answers]
    assert details[0] == details[1]


def test_a_link_that_never_was_an_invitation_answers_404_the_same_for_any(
    world: World,
) -> None:
    made_up = ["not-a-real-token", new_token(), "x" * 300, "%C3%A9t%C3%A9"]
    mains = []
    for token in made_up:
        page = world.client.get(f"/invitations/{token}")
        assert page.status_code == 404, token
        mains.append(str(_page(page).select_one("main")))
        sent = world.client.post(f"/invitations/{token}", data={"name": "A", "password": PASSWORD})
        assert sent.status_code == 404, token
        assert str(_page(sent).select_one("main")) == mains[0]
    assert mains == [mains[0]] * len(made_up)
    assert 'data-state="unknown"' in mains[0]
    bodies = []
    for token in made_up[:3]:
        account = {"token": token[:200], "name": "A", "password": PASSWORD}
        r = world.client.post("/api/invitations/accept", json=account)
        assert r.status_code == 404, r.text
        bodies.append(r.json())
        lookup = world.client.post("/api/invitations/lookup", json={"token": token[:200]})
        assert lookup.json()["state"] == "unknown"
        assert lookup.json()["process"] == lookup.json()["email"] == ""
    assert bodies == [bodies[0]] * 3
    assert bodies[0]["detail"] == "no such invitation: check that you copied its link whole"
