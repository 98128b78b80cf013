"""ASVS 3.3.2: a browser session unused for ``GOBETWEEN_SESSION_IDLE_MINUTES`` ends; the next
request is logged out, and the page says the session ended because it was idle. What keeps a
session alive is only its own user's requests: not an event stream's polls (which run whenever
anyone acts on the track), and API tokens are not sessions."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, Clock, World, make_settings

from gobetween.errors import ConfigurationError
from gobetween.service.settings import Settings

START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _login(world: World, email: str = "ua@example.org") -> httpx.Client:
    c = asgi_client(world.app)
    r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(START)
    clock.install(monkeypatch)
    return clock


def test_a_session_used_within_the_limit_lives_and_ends_after_30_idle_minutes(
    world: World, clock: Clock
) -> None:
    assert world.services.settings.session_idle_minutes == 30
    c = _login(world)
    try:
        for minutes in (29, 58, 87):  # each request 29 minutes after the one before
            clock.set(START + minutes * MINUTE)
            assert c.get("/api/processes").status_code == 200
        clock.set(START + 117 * MINUTE)  # 30 minutes after the last request
        r = c.get("/api/processes")
        assert r.status_code == 401
        problem = r.json()
        assert problem["title"] == "SessionIdle" or "SessionIdle" in problem["type"]
        assert "not used for 30 minutes" in problem["detail"]
        # it stays ended: the refused request did not count as use
        assert c.get("/api/processes").status_code == 401
    finally:
        c.close()


def test_the_fast_message_path_counts_as_use(world: World, clock: Clock) -> None:
    channel = world.channels[("food", "ua")]
    c = _login(world)
    try:
        for minutes in (20, 40, 60):
            clock.set(START + minutes * MINUTE)
            r = c.get(f"/api/channels/{channel}/messages")
            assert r.status_code == 200, r.text
        clock.set(START + 85 * MINUTE)
        assert c.get("/api/processes").status_code == 200
    finally:
        c.close()


def test_an_event_stream_request_does_not_keep_the_session_alive(
    world: World, clock: Clock
) -> None:
    c = _login(world)
    stream = {"Accept": "text/event-stream"}
    try:
        for minutes in (10, 20, 29):  # what a stream's polls would send, whoever acted
            clock.set(START + minutes * MINUTE)
            assert c.get("/api/processes", headers=stream).status_code == 200
        clock.set(START + 30 * MINUTE)
        assert c.get("/api/processes").status_code == 401
    finally:
        c.close()


def test_the_page_says_the_session_ended_because_it_was_idle(world: World, clock: Clock) -> None:
    c = _login(world)
    try:
        assert c.get("/").status_code == 200
        clock.set(START + 31 * MINUTE)
        r = c.get("/account/security")
        assert r.status_code == 303
        target = urlsplit(r.headers["location"])
        assert target.path == "/login"
        assert parse_qs(target.query) == {"next": ["/account/security"], "ended": ["idle"]}
        page = BeautifulSoup(c.get(r.headers["location"]).text, "html.parser")
        notice = page.select_one("#session-idle")
        assert notice is not None
        assert "not used for 30 minutes" in notice.get_text()
        # an htmx request is sent there as a whole page
        hx = c.get("/account/security", headers={"HX-Request": "true"})
        assert hx.headers["HX-Redirect"].endswith("&ended=idle")
    finally:
        c.close()


def test_a_plain_log_in_page_and_other_endings_say_nothing_of_idleness(world: World) -> None:
    c = asgi_client(world.app)
    try:
        page = BeautifulSoup(c.get("/login?ended=idle").text, "html.parser")
        assert page.select_one("#login-form") is not None
        # no session at all: a redirect to log in, without 'ended=idle'
        r = c.get("/account/security")
        assert r.status_code == 303
        assert "ended" not in r.headers["location"]
    finally:
        c.close()
    # a session that never ended: the notice is only what the query asks, and says nothing
    # a visitor could not have known (the limit is in the settings documentation)
    assert page.select_one("#session-idle") is not None


def test_api_tokens_are_not_sessions(world: World, clock: Clock) -> None:
    clock.set(START + 600 * MINUTE)
    assert world.get("ua", "/api/processes").status_code == 200


def test_zero_turns_the_idle_limit_off_and_one_minute_is_refused(tmp_path: object) -> None:
    assert Settings.from_env({"GOBETWEEN_SESSION_IDLE_MINUTES": "0"}).session_idle_minutes == 0
    for bad in ("1", "-5"):
        with pytest.raises(ConfigurationError, match="GOBETWEEN_SESSION_IDLE_MINUTES"):
            Settings.from_env({"GOBETWEEN_SESSION_IDLE_MINUTES": bad})


def test_with_no_idle_limit_only_the_lifetime_ends_a_session(
    clock: Clock, tmp_path: object
) -> None:
    url = f"sqlite:///{tmp_path}/idle.db"
    world = World.build(make_settings(url, session_idle_minutes=0))
    try:
        c = _login(world)
        clock.set(START + 11 * 60 * MINUTE)
        assert c.get("/api/processes").status_code == 200
        clock.set(START + 12 * 60 * MINUTE)
        r = c.get("/api/processes")
        assert r.status_code == 401
        assert "expired" in r.json()["detail"]
        c.close()
    finally:
        world.close()


def test_a_session_ended_for_idleness_leaves_the_list_of_sessions(
    world: World, clock: Clock
) -> None:
    idle, used = _login(world), _login(world)
    try:
        clock.set(START + 10 * MINUTE)
        listed = used.get("/api/account/sessions").json()
        assert len(listed) == 2
        idle_key = next(s["id"] for s in listed if not s["current"])
        clock.set(START + 29 * MINUTE)  # 'used' goes on; 'idle' was last used at the start
        # both still listed (they began at the same instant, so their order is the tie-break's)
        assert sorted(s["current"] for s in used.get("/api/account/sessions").json()) == [
            False,
            True,
        ]
        clock.set(START + 30 * MINUTE)  # 30 minutes after 'idle' logged in: it has ended
        listed = used.get("/api/account/sessions").json()
        assert [s["current"] for s in listed] == [True]
        assert idle_key not in {s["id"] for s in listed}
        page = BeautifulSoup(used.get("/account/security").text, "html.parser")
        used_key = listed[0]["id"]
        assert [r["data-session"] for r in page.select("tr[data-session]")] == [used_key]
        assert idle.get("/api/processes").status_code == 401  # it cannot be used either
    finally:
        idle.close()
        used.close()


def test_with_no_idle_limit_an_unused_session_stays_listed(clock: Clock, tmp_path: object) -> None:
    world = World.build(make_settings(f"sqlite:///{tmp_path}/listed.db", session_idle_minutes=0))
    try:
        unused, used = _login(world), _login(world)
        clock.set(START + 11 * 60 * MINUTE)
        assert len(used.get("/api/account/sessions").json()) == 2
        unused.close()
        used.close()
    finally:
        world.close()
