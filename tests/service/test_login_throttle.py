"""Log-in throttling that an attacker cannot turn against the real user, pruning, and what a
password change ends (``service/identity.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World, make_settings
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gobetween.service import identity
from gobetween.store import tables as t
from gobetween.store.login_tables import LoginDevice

VICTIM = "ua@example.org"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        yield w
    finally:
        w.close()


class Proxied:
    """Clients behind a proxy whose X-Forwarded-For the app trusts (as uvicorn's
    ``--forwarded-allow-ips`` does in production): each request may claim any address."""

    def __init__(self, world: World) -> None:
        self.app = ProxyHeadersMiddleware(world.app, trusted_hosts="*")
        self.clients: list[httpx.Client] = []

    def client(self) -> httpx.Client:
        c = asgi_client(self.app)
        self.clients.append(c)
        return c

    def close(self) -> None:
        for c in self.clients:
            c.close()


def _login(c: httpx.Client, email: str, password: str, address: str) -> httpx.Response:
    return c.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


def _age_failures(world: World, seconds: float) -> None:
    """Move every recorded failure ``seconds`` into the past (instead of sleeping)."""
    with world.services.db.unit_of_work() as session:
        for row in session.execute(select(t.LoginFailure)).scalars():
            row.at = row.at - dt.timedelta(seconds=seconds)


def test_an_attacker_rotating_addresses_cannot_keep_the_real_user_out(world: World) -> None:
    proxied = Proxied(world)
    try:
        user = proxied.client()
        assert _login(user, VICTIM, PASSWORD, "198.51.100.7").status_code == 200
        assert identity.DEVICE_COOKIE in user.cookies  # this device has logged in before
        attacker = proxied.client()
        statuses = [
            _login(attacker, VICTIM, f"guess number {i}", f"203.0.113.{i % 250}:{i}").status_code
            for i in range(130)
        ]
        assert statuses.count(401) == world.services.settings.login_account_max_failures
        assert statuses[-1] == 429  # guessing from new places is capped for the account...
        r = _login(user, VICTIM, PASSWORD, "198.51.100.7")
        assert r.status_code == 200, r.text  # ...and the real user's own device still gets in
        assert _login(user, VICTIM, PASSWORD, "192.0.2.55").status_code == 200  # from anywhere
    finally:
        proxied.close()


def test_failures_from_one_client_pause_that_client_with_doubling_pauses(world: World) -> None:
    proxied = Proxied(world)
    try:
        attacker, bystander = proxied.client(), proxied.client()
        for _ in range(5):  # login_max_failures: free
            assert _login(attacker, VICTIM, "wrong password", "203.0.113.1").status_code == 401
        paused = _login(attacker, VICTIM, PASSWORD, "203.0.113.1")
        assert paused.status_code == 429
        assert paused.headers["retry-after"] == "1"
        assert paused.headers["content-type"] == "application/problem+json"
        # another client, same account: not paused (the pause belongs to the pair)
        assert _login(bystander, VICTIM, PASSWORD, "198.51.100.20").status_code == 200
        _age_failures(world, 2)
        assert _login(attacker, VICTIM, "wrong again", "203.0.113.1").status_code == 401
        assert _login(attacker, VICTIM, "wrong", "203.0.113.1").headers["retry-after"] == "2"
        _age_failures(world, 3)
        assert _login(attacker, VICTIM, "wrong again", "203.0.113.1").status_code == 401
        assert _login(attacker, VICTIM, "wrong", "203.0.113.1").headers["retry-after"] == "4"
    finally:
        proxied.close()


def test_one_client_trying_many_accounts_is_capped(world: World) -> None:
    proxied = Proxied(world)
    settings = world.services.settings
    try:
        stuffer, other = proxied.client(), proxied.client()
        for i in range(settings.login_client_max_failures):
            r = _login(stuffer, f"someone{i}@example.org", "password123", "203.0.113.66")
            assert r.status_code == 401
        assert _login(stuffer, VICTIM, PASSWORD, "203.0.113.66").status_code == 429
        assert _login(other, VICTIM, PASSWORD, "198.51.100.1").status_code == 200
    finally:
        proxied.close()


def test_a_known_device_counts_its_own_failures(world: World) -> None:
    proxied = Proxied(world)
    try:
        device = proxied.client()
        assert _login(device, VICTIM, PASSWORD, "198.51.100.7").status_code == 200
        for _ in range(5):
            assert _login(device, VICTIM, "mistyped it", "198.51.100.7").status_code == 401
        assert _login(device, VICTIM, PASSWORD, "198.51.100.7").status_code == 429
        # a device cookie of another account gives nothing for this one
        stranger = proxied.client()
        stranger.cookies.set(identity.DEVICE_COOKIE, device.cookies[identity.DEVICE_COOKIE])
        assert _login(stranger, "ru@example.org", PASSWORD, "203.0.113.9").status_code == 200
        with world.services.db.unit_of_work() as session:
            owners = session.execute(select(LoginDevice.user_id)).scalars().all()
        assert sorted(owners) == sorted([world.users["ua"], world.users["ru"]])
    finally:
        proxied.close()


def test_old_failures_and_expired_sessions_are_pruned_at_log_in(world: World) -> None:
    settings = world.services.settings
    long_ago = t.utcnow() - dt.timedelta(seconds=settings.login_window_seconds + 60)
    with world.services.db.unit_of_work() as session:
        session.add_all([t.LoginFailure(key=f"client:10.0.0.{i}", at=long_ago) for i in range(20)])
        session.add(t.LoginFailure(key="client:recent"))
        session.add(
            t.WebSession(
                user_id=world.users["ua"],
                session_hash="0" * 64,
                csrf_token="x",
                expires_at=t.utcnow() - dt.timedelta(minutes=1),
            )
        )
    assert (
        world.client.post(
            "/api/auth/login", json={"email": VICTIM, "password": "not it at all"}
        ).status_code
        == 401
    )
    with world.services.db.unit_of_work() as session:
        keys = session.execute(select(t.LoginFailure.key)).scalars().all()
        expired = session.execute(
            select(func.count())
            .select_from(t.WebSession)
            .where(t.WebSession.session_hash == "0" * 64)
        ).scalar_one()
    assert "client:recent" in keys
    assert not any(k.startswith("client:10.0.0.") for k in keys)
    assert expired == 0


def _session(world: World) -> tuple[httpx.Client, str]:
    c = asgi_client(world.app)
    r = c.post("/api/auth/login", json={"email": VICTIM, "password": PASSWORD})
    assert r.status_code == 200
    return c, r.json()["csrf_token"]


def test_a_password_change_ends_every_other_session_and_token(world: World) -> None:
    first, csrf = _session(world)
    second, _ = _session(world)
    token = world.tokens["ua"]
    try:
        wrong = first.post(
            "/api/auth/password",
            json={"current_password": "not my password", "new_password": "a new long password"},
            headers={"X-CSRF-Token": csrf},
        )
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["location"] == "current_password"
        r = first.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "a new long password"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 204, r.text
        assert first.get("/api/auth/me").status_code == 200  # the session that changed it
        assert second.get("/api/auth/me").status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert world.client.get("/api/auth/me", headers=bearer).status_code == 401
        old = world.client.post("/api/auth/login", json={"email": VICTIM, "password": PASSWORD})
        assert old.status_code == 401
        new = world.client.post(
            "/api/auth/login", json={"email": VICTIM, "password": "a new long password"}
        )
        assert new.status_code == 200
    finally:
        first.close()
        second.close()


def test_guessing_the_current_password_with_a_session_is_slowed(world: World) -> None:
    c, csrf = _session(world)
    try:
        statuses = [
            c.post(
                "/api/auth/password",
                json={"current_password": f"guess {i}", "new_password": "a new long password"},
                headers={"X-CSRF-Token": csrf},
            ).status_code
            for i in range(7)
        ]
        assert statuses[:5] == [422] * 5
        assert statuses[5] == 429
    finally:
        c.close()


def test_set_password_outside_a_request_ends_every_session(world: World) -> None:
    c, _ = _session(world)
    try:
        with world.services.db.unit_of_work() as session:
            user = session.get_one(t.User, world.users["ua"])
            identity.set_password(session, world.services.hasher, user, "reset by the admin")
        assert c.get("/api/auth/me").status_code == 401
    finally:
        c.close()


def test_the_login_form_needs_its_csrf_token(world: World) -> None:
    """Log-in CSRF: another site's form cannot log this browser into an account."""
    c = asgi_client(world.app)
    try:
        forged = c.post("/login", data={"email": VICTIM, "password": PASSWORD})
        assert forged.status_code == 403
        assert "gobetween_session" not in forged.cookies
        page = c.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert len(token) >= 43
        wrong = c.post("/login", data={"email": VICTIM, "password": PASSWORD, "csrf_token": "x"})
        assert wrong.status_code == 403
        page = c.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        ok = c.post("/login", data={"email": VICTIM, "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 303, ok.text[:300]
        assert "gobetween_session" in ok.cookies
        # the same session cookie as the API's log-in (one helper sets both)
        cookie = next(
            v.lower()
            for v in ok.headers.get_list("set-cookie")
            if v.startswith("gobetween_session=")
        )
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert "path=/;" in cookie
    finally:
        c.close()
