"""No one user's request holds the write lock for long (docs/security.md, *Promise 2*): what a
request has to read or check at length is done before its writing unit of work opens.

Each test times every writing unit of work a request opens (SQLite's ``BEGIN IMMEDIATE`` lock;
on PostgreSQL the agreement's row lock, ``event_log.lock_agreement``)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
import rfc8785
from tests.service import agree_helpers as ah
from tests.service import links
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World
from tests.service.write_units import WriteUnits, argon2_calls

from gobetween.agreements.bundle import Bundle
from gobetween.service.api.agree import MAX_BUNDLE_BYTES
from gobetween.service.app import create_app
from gobetween.service.settings import Settings

#: The most CPU time a writing unit of work of one request may spend holding the lock (a short
#: write takes under 30 ms; tests/service/write_units.py says why CPU time, not wall time).
LONGEST = 0.25


def _agreement(world: World) -> tuple[int, bytes, dict[str, Any]]:
    track_id = ah.make_ready(world)
    keys = ah.register_keys(world)
    agreement_id = ah.create(world, track_id)["id"]
    stored = world.get("ru", f"/api/agreements/{agreement_id}/bundle").content
    return agreement_id, stored, keys


def _post_bundle(world: World, who: str, agreement_id: int, data: bytes) -> Any:
    return world.post(
        who,
        f"/api/agreements/{agreement_id}/signed-bundle",
        content=data,
        headers={"content-type": "application/octet-stream"},
    )


def _padded(signed: bytes, size: int) -> bytes:
    """``signed`` with small extra parts (each listed with its digest) up to about ``size``
    bytes, and a trailing space: the costliest bundle to read (its canonical form is rebuilt
    and compared byte by byte)."""
    document = json.loads(signed)
    n = 0
    while len(json.dumps(document)) < size - 250_000:
        for _ in range(2_000):
            data = f"pad {n} ".encode() * 8
            document["parts"][f"pad/{n:07d}"] = base64.b64encode(data).decode()
            document["manifest"][f"pad/{n:07d}"] = hashlib.sha256(data).hexdigest()
            n += 1
    data = rfc8785.dumps(document) + b" "
    assert len(data) <= size
    return data


def test_an_uploaded_bundle_is_read_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement_id, stored, keys = _agreement(world)
    # signed by Ukraine too (not taken from Russia's upload), so the stored bundle, read again
    # in the unit of work, never has these bytes
    both = Bundle.from_bytes(stored).sign("Russian Federation", keys["ru"])
    signed = both.sign("Ukraine", keys["ua"]).to_bytes()
    units = WriteUnits().install(monkeypatch.setattr)
    read_in_a_write_unit = []
    original = Bundle.from_bytes.__func__  # type: ignore[attr-defined]

    def from_bytes(cls: type[Bundle], data: bytes) -> Bundle:
        if data == signed:
            read_in_a_write_unit.append(units.open > 0)
        return original(cls, data)  # type: ignore[no-any-return]

    monkeypatch.setattr(Bundle, "from_bytes", classmethod(from_bytes))
    r = _post_bundle(world, "ru", agreement_id, signed)
    assert r.status_code == 201, r.text
    assert read_in_a_write_unit == [False]  # before: [True]
    unsigned = {signer for _party, signer in r.json()["unsigned"]}
    assert "Russian Federation" not in unsigned  # taken
    assert "Ukraine" in unsigned  # not Russia's to give


def test_the_largest_unusable_bundle_holds_no_write_lock_long(
    world: World, monkeypatch: pytest.MonkeyPatch, heap_as_served: None
) -> None:
    # before: 1.19 s in the unit of work for this 4.8 MB bundle, every other write waiting
    agreement_id, stored, keys = _agreement(world)
    signed = Bundle.from_bytes(stored).sign("Russian Federation", keys["ru"]).to_bytes()
    heavy = _padded(signed, MAX_BUNDLE_BYTES)
    units = WriteUnits().install(monkeypatch.setattr)
    r = _post_bundle(world, "ru", agreement_id, heavy)
    assert r.status_code == 422, r.text
    assert max(units.work, default=0.0) < LONGEST, units.work
    assert _post_bundle(world, "outsider", agreement_id, heavy).status_code == 404


@pytest.mark.parametrize("password", [PASSWORD, "not the password"])
def test_a_login_verifies_the_password_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    # Argon2 at the default cost took 0.24 to 0.30 s inside the log-in's writing unit
    argon2 = argon2_calls(monkeypatch.setattr)
    with asgi_client(world.app) as c:
        r = c.post("/api/auth/login", json={"email": "ua@example.org", "password": password})
    assert r.status_code == (200 if password == PASSWORD else 401), r.text
    assert argon2 == [("verify", False)]  # before: in a writing unit


def test_a_password_change_runs_argon2_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Argon2 twice (the current password verified, the new one hashed): 0.45 to 0.56 s inside
    # the writing unit at the default cost, as often as the user liked (a change is not paused)
    with asgi_client(world.app) as c:
        login = {"email": "ua@example.org", "password": PASSWORD}
        csrf = c.post("/api/auth/login", json=login).json()["csrf_token"]
        in_a_write_unit = argon2_calls(monkeypatch.setattr)
        change = {"current_password": PASSWORD, "new_password": "another good password"}
        r = c.post("/api/auth/password", json=change, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 204, r.text
        assert in_a_write_unit == [("verify", False), ("hash", False)]  # before: both True
        wrong = {"current_password": PASSWORD, "new_password": "yet another password"}
        r = c.post("/api/auth/password", json=wrong, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 422, r.text  # the current password is no longer that
    again = {"email": "ua@example.org", "password": "another good password"}
    with asgi_client(world.app) as c:
        assert c.post("/api/auth/login", json=again).status_code == 200


@pytest.mark.parametrize(
    ("url", "right"),
    [
        ("/api/account/two-factor/disable", False),
        ("/api/account/delete", False),
        ("/api/account/delete", True),
    ],
)
def test_the_current_password_is_verified_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch, url: str, right: bool
) -> None:
    # before: Argon2 inside the writing unit of turning the second factor off and of deleting
    # one's account
    argon2 = argon2_calls(monkeypatch.setattr)
    body = {"current_password": PASSWORD if right else "not the password"}
    r = world.post("obs", url, json=body)
    assert r.status_code == (204 if right else 422), r.text
    assert argon2 == [("verify", False)]  # before: in a writing unit
    if right:  # deleted: its token no longer works
        assert world.get("obs", "/api/auth/me").status_code == 401


#: A new password chosen with a link or on an empty installation.
NEW_PASSWORD = "a brand new password"


@pytest.mark.parametrize("page", [False, True], ids=["api", "page"])
@pytest.mark.parametrize("link", ["invitation", "reset"])
def test_a_new_password_chosen_with_a_link_is_hashed_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch, link: str, page: bool
) -> None:
    # before: the new password hashed (Argon2, 0.1 to 0.25 s at the default cost) inside the
    # writing unit that accepts the invitation or resets the password, once per link
    if link == "invitation":
        email, form = "new@example.org", {"name": "New", "password": NEW_PASSWORD}
        token = links.invitation_link(world, email)
        api, path, done = "/api/invitations/accept", f"/invitations/{token}", 201
    else:
        email, form = "ua@example.org", {"password": NEW_PASSWORD}
        token = links.reset_link(world.services.db, email)
        api, path, done = "/api/auth/password-reset/confirm", f"/reset/{token}", 204
    argon2 = argon2_calls(monkeypatch.setattr)
    with asgi_client(world.app) as c:
        if page:
            r = c.post(path, data=form, follow_redirects=False)
        else:
            r = c.post(api, json={**form, "token": token})
    assert r.status_code == (303 if page else done), r.text
    assert argon2 == [("hash", False)]  # before: [("hash", True)]
    with asgi_client(world.app) as c:
        login = {"email": email, "password": NEW_PASSWORD}
        assert c.post("/api/auth/login", json=login).status_code == 200


@pytest.mark.parametrize("page", [False, True], ids=["api", "page"])
def test_setting_up_hashes_the_password_before_the_write_lock(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, page: bool
) -> None:
    # before: the first administrator's password hashed inside the writing unit
    app = create_app(settings)
    try:
        argon2 = argon2_calls(monkeypatch.setattr)
        first = {"email": "ana@un.example", "name": "Ana", "password": NEW_PASSWORD}
        with asgi_client(app) as c:
            if page:
                r = c.post("/setup", data=first, follow_redirects=False)
            else:
                r = c.post("/api/setup", json=first)
        assert r.status_code == (303 if page else 201), r.text
        assert argon2 == [("hash", False)]  # before: [("hash", True)]
    finally:
        app.state.services.db.dispose()


@pytest.mark.parametrize(
    ("change", "status"),
    [({"password": "short"}, 422), ({"token": "not a link at all"}, 404)],
    ids=["short password", "unknown link"],
)
def test_a_refused_link_hashes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, change: dict[str, str], status: int
) -> None:
    # the refusals come before Argon2, as they did inside the writing unit
    invited = links.invitation_link(world, "new@example.org")
    reset = links.reset_link(world.services.db, "ua@example.org")
    argon2 = argon2_calls(monkeypatch.setattr)
    with asgi_client(world.app) as c:
        accept = {"token": invited, "name": "New", "password": NEW_PASSWORD, **change}
        r = c.post("/api/invitations/accept", json=accept)
        assert r.status_code == status, r.text
        body = {"token": reset, "password": NEW_PASSWORD, **change}
        r = c.post("/api/auth/password-reset/confirm", json=body)
        assert r.status_code == status, r.text
    assert argon2 == []
