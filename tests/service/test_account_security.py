"""One's own account: the list of browser sessions (end one, or all but this one) and the
security log (log-ins, failures, password changes, sessions ended, tokens), bounded; the
installation's administrator reads everyone's log, nobody else does."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import event, func, select
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, Clock, World

from gobetween.service import security_log
from gobetween.store.login_tables import SecurityEvent
from gobetween.store.setup_tables import Installation

UA = "ua@example.org"


def _login(world: World, agent: str, email: str = UA) -> tuple[httpx.Client, str]:
    c = asgi_client(world.app)
    login = {"email": email, "password": PASSWORD}
    r = c.post("/api/auth/login", json=login, headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def test_a_user_lists_their_sessions_and_ends_one_or_all_others(world: World) -> None:
    phone, phone_csrf = _login(world, "Phone browser")
    laptop, laptop_csrf = _login(world, "Laptop browser")
    tablet, _ = _login(world, "Tablet browser")
    other, _ = _login(world, "Someone else's", email="ru@example.org")
    try:
        listed = laptop.get("/api/account/sessions").json()
        assert [s["user_agent"] for s in listed] == [
            "Tablet browser",
            "Laptop browser",
            "Phone browser",
        ]  # newest first; never another user's session
        assert [s["current"] for s in listed] == [False, True, False]
        assert all(len(s["id"]) == 16 for s in listed)
        phone_id = next(s["id"] for s in listed if s["user_agent"] == "Phone browser")
        ended = laptop.delete(
            f"/api/account/sessions/{phone_id}", headers={"X-CSRF-Token": laptop_csrf}
        )
        assert ended.status_code == 204, ended.text
        assert phone.get("/api/auth/me").status_code == 401  # the phone is logged out
        assert laptop.get("/api/auth/me").status_code == 200
        again = laptop.delete(
            f"/api/account/sessions/{phone_id}", headers={"X-CSRF-Token": laptop_csrf}
        )
        assert again.status_code == 404
        r = laptop.post("/api/account/sessions/end-others", headers={"X-CSRF-Token": laptop_csrf})
        assert r.json() == {"ended": 1}
        assert tablet.get("/api/auth/me").status_code == 401
        assert [s["current"] for s in laptop.get("/api/account/sessions").json()] == [True]
        assert other.get("/api/auth/me").status_code == 200  # another user's stays
        # ending needs the session's CSRF token, like every other change
        assert phone_csrf != laptop_csrf
        no_csrf = laptop.post("/api/account/sessions/end-others")
        assert no_csrf.status_code == 403
    finally:
        for c in (phone, laptop, tablet, other):
            c.close()


def test_another_users_session_answers_like_a_missing_one(world: World) -> None:
    mine, csrf = _login(world, "mine")
    theirs, _ = _login(world, "theirs", email="ru@example.org")
    try:
        their_id = theirs.get("/api/account/sessions").json()[0]["id"]
        headers = {"X-CSRF-Token": csrf}
        hidden = mine.delete(f"/api/account/sessions/{their_id}", headers=headers)
        missing = mine.delete(f"/api/account/sessions/{'0' * 16}", headers=headers)
        malformed = mine.delete("/api/account/sessions/not-a-session", headers=headers)
        assert hidden.status_code == missing.status_code == malformed.status_code == 404
        assert hidden.json() == missing.json() == malformed.json()
        assert theirs.get("/api/auth/me").status_code == 200
    finally:
        mine.close()
        theirs.close()


def test_the_security_log_records_each_way_in_for_its_user_only(world: World) -> None:
    failed = world.client.post("/api/auth/login", json={"email": UA, "password": "wrong guess"})
    assert failed.status_code == 401
    c, csrf = _login(world, "Phone browser")
    try:
        assert c.post("/api/auth/tokens", json={"name": "cli"}, headers={"X-CSRF-Token": csrf})
        r = c.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "a new long password"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 204, r.text
        events = c.get("/api/account/security-log").json()
        kinds = [e["kind"] for e in events]
        assert kinds[:4] == ["password.changed", "token.created", "login", "login.failed"]
        assert events[2]["address"]  # where the log-in came from
        theirs = world.get("ru", "/api/account/security-log").json()
        assert "password.changed" not in [e["kind"] for e in theirs]
        logout = c.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
        assert logout.status_code == 204
    finally:
        c.close()
    with world.services.db.unit_of_work(write=False) as session:
        stored = session.execute(
            select(SecurityEvent.kind).where(SecurityEvent.user_id == world.users["ua"])
        ).scalars()
        assert "session.ended" in set(stored)


def test_only_the_installations_administrator_reads_everyones_log(world: World) -> None:
    world.client.post("/api/auth/login", json={"email": UA, "password": "wrong guess"})
    assert world.get("ua", "/api/admin/security-log").status_code == 403
    assert world.get("admin", "/api/admin/security-log").status_code == 403  # no installation
    with world.services.db.unit_of_work() as session:
        session.add(Installation(id=1, admin_id=world.users["admin"]))
    r = world.get("admin", "/api/admin/security-log")
    assert r.status_code == 200, r.text
    assert {"kind": "login.failed", "email": UA} in [
        {"kind": e["kind"], "email": e["email"]} for e in r.json()
    ]
    denied = world.get("ua", "/api/admin/security-log")
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"


def test_the_log_is_bounded_in_time_and_per_user(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security_log, "KEEP_PER_USER", 5)
    clock = Clock(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    clock.install(monkeypatch)
    user = world.users["ua"]
    with world.services.db.unit_of_work() as session:
        for n in range(8):
            clock.set(dt.datetime(2027, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n))
            security_log.record(session, user, "login", address=f"10.0.0.{n}")
    with world.services.db.unit_of_work(write=False) as session:
        kept = session.execute(
            select(SecurityEvent.address).where(SecurityEvent.user_id == user)
        ).scalars()
        assert sorted(kept) == [f"10.0.0.{n}" for n in range(3, 8)]  # the oldest went first
    clock.set(dt.datetime(2028, 6, 1, tzinfo=dt.UTC))  # more than a year later
    with world.services.db.unit_of_work() as session:
        security_log.record(session, world.users["ru"], "login")
    with world.services.db.unit_of_work(write=False) as session:
        left = session.execute(
            select(func.count()).select_from(SecurityEvent).where(SecurityEvent.user_id == user)
        ).scalar_one()
        assert left == 0


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def test_a_session_shows_when_and_from_what_browser_it_was_last_seen_written_once_a_minute(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
    clock = Clock(start)
    clock.install(monkeypatch)
    writes: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE SESSION_DEVICES"):
            writes.append(statement)

    event.listen(world.services.db.engine, "before_cursor_execute", count)
    c, _csrf = _login(world, FIREFOX)
    try:
        (mine,) = c.get("/api/account/sessions").json()
        assert mine["last_client"] == "Firefox on Linux"
        assert dt.datetime.fromisoformat(mine["last_seen_at"]) == start
        assert mine["user_agent"] == FIREFOX  # where it was started, as before
        # the same cookie from another browser, many requests within the minute: nothing written
        c.headers["User-Agent"] = CHROME
        for second in (10, 30, 59):
            clock.set(start + dt.timedelta(seconds=second))
            for _ in range(5):
                assert c.get("/api/account/sessions").status_code == 200
        # one statement in all (this worker's first sight of the session), changing nothing
        assert len(writes) <= 1
        (mine,) = c.get("/api/account/sessions").json()
        assert dt.datetime.fromisoformat(mine["last_seen_at"]) == start
        assert mine["last_client"] == "Firefox on Linux"
        # a minute on: one write, with the browser now seen; then none again for a minute
        before = len(writes)
        clock.set(start + dt.timedelta(seconds=61))
        for _ in range(10):
            assert c.get("/api/processes").status_code == 200
        assert len(writes) == before + 1
        (mine,) = c.get("/api/account/sessions").json()
        assert dt.datetime.fromisoformat(mine["last_seen_at"]) == start + dt.timedelta(seconds=61)
        assert mine["last_client"] == "Chrome on Windows"
        # API tokens write nothing
        for _ in range(3):
            world.get("ua", "/api/processes")
        assert len(writes) == before + 1
    finally:
        event.remove(world.services.db.engine, "before_cursor_execute", count)
        c.close()


def test_signing_keys_registered_confirmed_and_revoked_are_in_the_holders_log(
    world: World,
) -> None:
    from gobetween.agreements import generate_private_key, public_key_pem

    pem = public_key_pem(generate_private_key()).decode()
    r = world.post(
        "ua", f"/api/organisations/{world.orgs['Ukraine']}/keys", json={"public_key_pem": pem}
    )
    assert r.status_code == 201, r.text
    key_id = r.json()["id"]
    assert world.post("admin", f"/api/keys/{key_id}/confirmation").status_code == 200
    revoked = world.post("admin", f"/api/keys/{key_id}/revocation", json={"reason": "lost"})
    assert revoked.status_code == 200, revoked.text
    kinds = [e["kind"] for e in world.get("ua", "/api/account/security-log").json()]
    assert kinds[:3] == ["key.revoked", "key.confirmed", "key.registered"]  # the holder learns
    theirs = [e["kind"] for e in world.get("admin", "/api/account/security-log").json()]
    assert not any(kind.startswith("key.") for kind in theirs)
