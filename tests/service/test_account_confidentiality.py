"""The account routes keep one party's doings from another: what a member of Ukraine can observe
of their own data export, enrolment links, second factor, account deletion and security page is
the same whatever a member of the Russian Federation does with theirs.

Two worlds (tests/service/two_worlds.py): in the *quiet* one the other party's member does
nothing; in the *busy* one they download their data, ask for a mailed enrolment link, are
handed one by the installation's administrator, start a second factor, fail to delete their
account with a wrong password, ask for a mailed link again on the security page and then
delete their account there. After each of those
steps, and after each of the observed members' own steps (made alike in both worlds), everything
the two Ukrainian members can read is compared byte for byte, with times, second-factor keys,
session keys and CSRF tokens masked: status codes, sizes, counts and ids included.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from tests.service.asgi import client as asgi_client
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.two_worlds import OBSERVED, masked
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import setup
from gobetween.store import setup_tables as st

_SECRET = re.compile(r"\b[A-Z2-7]{32}\b")  # a second factor's key (base32), new each time
_CSRF = re.compile(r'(name="csrf_token" value="|"X-CSRF-Token": ")[^"]*"')
_SESSION = re.compile(r"\b[0-9a-f]{16}\b")  # a browser session's key, from its random token

Step = Callable[[World], httpx.Response]


def _hidden(text: str) -> str:
    """``text`` with times, second-factor keys, session keys and CSRF tokens masked (each new
    and random, whatever anyone else did)."""
    text = _SESSION.sub("<session>", _SECRET.sub("<key>", masked(text)))
    return _CSRF.sub(r'\1<csrf>"', text)


def _reads(world: World, who: str) -> list[tuple[str, int, str]]:
    """Everything ``who`` reads of their account, their security page and the track."""
    food = world.tracks["food"]
    urls = (
        "/api/account/data",
        "/api/account/sessions",
        "/api/account/security-log",
        "/api/account/two-factor",
        "/account/security",
        f"/api/tracks/{food}",
        f"/tracks/{food}",
    )
    return [(url, (r := world.get(who, url)).status_code, _hidden(r.text)) for url in urls]


def _browser(world: World, who: str) -> httpx.Client:
    """A browser logged in as ``who`` (a session cookie, for the security page's forms)."""
    c = asgi_client(world.app)
    r = c.post("/api/auth/login", json={"email": f"{who}@example.org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


def _on_the_page(who: str, url: str, **form: str) -> Step:
    """``who`` logs in in a browser and posts ``form`` with the security page's CSRF token."""

    def step(world: World) -> httpx.Response:
        page = _browser(world, who)
        try:
            shown = page.get("/account/security").text
            found = re.search(r'name="csrf_token" value="([^"]+)"', shown)
            assert found is not None
            return page.post(url, data={"csrf_token": found.group(1), **form})
        finally:
            page.close()

    return step


#: What the other party's member does in the busy world only, and the status it answers.
OTHERS: tuple[tuple[str, Step, int], ...] = (
    ("exports their data", lambda w: w.get("ru", "/api/account/data"), 200),
    ("asks for a mailed link", lambda w: w.post("ru", "/api/account/two-factor/link"), 202),
    (
        "is handed a link",
        lambda w: w.post("admin", "/api/admin/two-factor/link", json={"email": "ru@example.org"}),
        201,
    ),
    ("starts a second factor", lambda w: w.post("ru", "/api/account/two-factor", json={}), 201),
    (
        "gives a wrong password to delete",
        lambda w: w.post("ru", "/api/account/delete", json={"current_password": "x" * 12}),
        422,
    ),
    (
        "asks for a mailed link on the page",
        _on_the_page("ru", "/account/two-factor/link"),
        200,
    ),
    (
        "deletes their account on the page",
        _on_the_page("ru", "/account/delete", current_password=PASSWORD, confirm="yes"),
        303,
    ),
)

#: What the observed members do in both worlds, one step after each of the other's.
OURS: tuple[tuple[str, Step], ...] = (
    ("ua exports", lambda w: w.get("ua", "/api/account/data")),
    ("ua asks for a mailed link", lambda w: w.post("ua", "/api/account/two-factor/link")),
    ("ua starts a second factor", lambda w: w.post("ua", "/api/account/two-factor", json={})),
    ("ua2 asks for a mailed link", lambda w: w.post("ua2", "/api/account/two-factor/link")),
    ("ua asks for a mailed link on the page", _on_the_page("ua", "/account/two-factor/link")),
    (
        "ua2 gives a wrong password to delete",
        lambda w: w.post("ua2", "/api/account/delete", json={"current_password": "y" * 12}),
    ),
    (
        "ua2 deletes their account",
        lambda w: w.post("ua2", "/api/account/delete", json={"current_password": PASSWORD}),
    ),
)


@pytest.fixture
def worlds(box: Mailbox) -> Iterator[tuple[World, World]]:
    """The quiet world and the busy one: mail is sent, the administrator is the
    installation's, Ukraine's members and Russia's have verified addresses."""
    with tempfile.TemporaryDirectory() as tmp:
        built = []
        for name in ("quiet", "busy"):
            (Path(tmp) / name).mkdir()
            url = f"sqlite:///{Path(tmp) / name}/gobetween.db"
            world = World.build(make_settings(url, **mail_settings(box)))
            with world.services.db.unit_of_work() as session:
                session.add(st.Installation(id=1, admin_id=world.users["admin"]))
                for who in ("ua", "ua2", "ru"):
                    setup.mark_verified(session, world.users[who])
            built.append(world)
        try:
            yield built[0], built[1]
        finally:
            for world in built:
                world.close()


def test_what_a_party_observes_of_the_account_routes_does_not_depend_on_another_party(
    worlds: tuple[World, World],
) -> None:
    quiet, busy = worlds
    for (theirs, act, status), (ours, step) in zip(OTHERS, OURS, strict=True):
        assert act(busy).status_code == status, theirs
        for who in OBSERVED:
            assert _reads(quiet, who) == _reads(busy, who), (who, "after ru " + theirs)
        answers = [step(w) for w in (quiet, busy)]
        assert answers[0].status_code < 500, ours
        shown = [(a.status_code, _hidden(a.text)) for a in answers]
        assert shown[0] == shown[1], ours
    gone = busy.get("ru", "/api/account/data")
    assert gone.status_code == 401  # the other's deletion did happen in the busy world
    for who in OBSERVED:
        assert _reads(quiet, who) == _reads(busy, who), who
