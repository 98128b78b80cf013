"""No one user's request holds the write lock for long (docs/security.md, *Promise 2*): what a
request has to read or check at length is done before its writing unit of work opens.

Each test times every writing unit of work a request opens (SQLite's ``BEGIN IMMEDIATE`` lock;
on PostgreSQL the agreement's row lock, ``event_log.lock_agreement``)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import rfc8785
from sqlalchemy.orm import Session
from tests.service import agree_helpers as ah
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World

from gobetween.agreements.bundle import Bundle
from gobetween.service.api.agree import MAX_BUNDLE_BYTES
from gobetween.service.security import PasswordHasher
from gobetween.store.db import Database

#: The longest a writing unit of work of one request may take here (the machine has 2 cores
#: and runs other tests meanwhile; a short write takes under 30 ms).
LONGEST = 0.25


class WriteUnits:
    """Every writing unit of work opened while installed: how long each held the lock, and
    whether one is open now."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.open = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = Database.unit_of_work
        units = self

        @contextlib.contextmanager
        def timed(self: Database, *, write: bool = True) -> Iterator[Session]:
            if not write:
                with original(self, write=False) as session:
                    yield session
                return
            started = None
            try:
                with original(self, write=True) as session:
                    started = time.perf_counter()
                    units.open += 1
                    yield session
            finally:
                if started is not None:
                    units.open -= 1
                    units.holds.append(time.perf_counter() - started)

        monkeypatch.setattr(Database, "unit_of_work", timed)


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
    units = WriteUnits()
    units.install(monkeypatch)
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
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: 1.19 s in the unit of work for this 4.8 MB bundle, every other write waiting
    agreement_id, stored, keys = _agreement(world)
    signed = Bundle.from_bytes(stored).sign("Russian Federation", keys["ru"]).to_bytes()
    heavy = _padded(signed, MAX_BUNDLE_BYTES)
    units = WriteUnits()
    units.install(monkeypatch)
    r = _post_bundle(world, "ru", agreement_id, heavy)
    assert r.status_code == 422, r.text
    assert max(units.holds, default=0.0) < LONGEST, units.holds
    assert _post_bundle(world, "outsider", agreement_id, heavy).status_code == 404


@pytest.mark.parametrize("password", [PASSWORD, "not the password"])
def test_a_login_verifies_the_password_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    # Argon2 at the default cost took 0.24 to 0.30 s inside the log-in's writing unit
    units = WriteUnits()
    units.install(monkeypatch)
    verified_in_a_write_unit = []
    original = PasswordHasher.verify

    def verify(self: PasswordHasher, encoded: str | None, given: str) -> bool:
        verified_in_a_write_unit.append(units.open > 0)
        return original(self, encoded, given)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    with asgi_client(world.app) as c:
        r = c.post("/api/auth/login", json={"email": "ua@example.org", "password": password})
    assert r.status_code == (200 if password == PASSWORD else 401), r.text
    assert verified_in_a_write_unit == [False]  # before: [True]


def test_a_password_change_runs_argon2_before_the_write_lock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Argon2 twice (the current password verified, the new one hashed): 0.45 to 0.56 s inside
    # the writing unit at the default cost, as often as the user liked (a change is not paused)
    with asgi_client(world.app) as c:
        login = {"email": "ua@example.org", "password": PASSWORD}
        csrf = c.post("/api/auth/login", json=login).json()["csrf_token"]
        units = WriteUnits()
        units.install(monkeypatch)
        in_a_write_unit = []
        verify, hash_ = PasswordHasher.verify, PasswordHasher.hash

        def verifying(self: PasswordHasher, encoded: str | None, given: str) -> bool:
            in_a_write_unit.append(("verify", units.open > 0))
            return verify(self, encoded, given)

        def hashing(self: PasswordHasher, password: str) -> str:
            in_a_write_unit.append(("hash", units.open > 0))
            return hash_(self, password)

        monkeypatch.setattr(PasswordHasher, "verify", verifying)
        monkeypatch.setattr(PasswordHasher, "hash", hashing)
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
    units = WriteUnits()
    units.install(monkeypatch)
    verified_in_a_write_unit = []
    original = PasswordHasher.verify

    def verify(self: PasswordHasher, encoded: str | None, given: str) -> bool:
        verified_in_a_write_unit.append(units.open > 0)
        return original(self, encoded, given)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    body = {"current_password": PASSWORD if right else "not the password"}
    r = world.post("obs", url, json=body)
    assert r.status_code == (204 if right else 422), r.text
    assert verified_in_a_write_unit == [False]  # before: [True]
    if right:  # deleted: its token no longer works
        assert world.get("obs", "/api/auth/me").status_code == 401
