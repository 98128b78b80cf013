"""A one-time link works once, also now that the new password is hashed before the writing unit
of work (docs/security.md, *Promise 2*): two submissions of one link that both hash at the same
moment make one account, or one new password, and the other is refused with nothing made.

Each test holds each submission's Argon2 hash until the other one's has started too, so that
both have passed the read-only check before either writing unit opens. Before the fix the hash
ran inside the writing unit, and the second submission could not reach its hash while the first
held the lock: they never met (the tests fail on that code)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.service import links
from tests.service.asgi import client as asgi_client
from tests.service.world import World

from gobetween.service.security import PasswordHasher
from gobetween.store import tables as t
from gobetween.store.login_tables import SecurityEvent

#: How long a hash waits for the other submission's
MEET_SECONDS = 10


def _hashes_meet(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """From now on each Argon2 hash waits for a second one: for each, whether they met."""
    barrier = threading.Barrier(2, timeout=MEET_SECONDS)
    met: list[bool] = []
    original = PasswordHasher.hash

    def hashing(self: PasswordHasher, password: str) -> str:
        try:
            barrier.wait()
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)
        return original(self, password)

    monkeypatch.setattr(PasswordHasher, "hash", hashing)
    return met


def _twice(world: World, submit: Callable[[Any, int], Any]) -> list[int]:
    """``submit(client, n)`` for n = 0 and 1 at once, each with its own client; the statuses."""
    statuses: list[int] = []

    def run(n: int) -> None:
        with asgi_client(world.app) as c:
            statuses.append(submit(c, n).status_code)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return sorted(statuses)


def test_one_invitation_link_submitted_twice_at_once_makes_one_account(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = links.invitation_link(world, "twice@example.org")
    met = _hashes_meet(monkeypatch)

    def submit(c: Any, n: int) -> Any:
        form = {"name": f"Twice {n}", "password": f"a good password number {n}"}
        if n:  # one through the page, one through the API
            return c.post(f"/invitations/{token}", data=form, follow_redirects=False)
        return c.post("/api/invitations/accept", json={**form, "token": token})

    statuses = _twice(world, submit)
    assert met == [True, True]  # before: [False] (the second never hashed)
    assert statuses in ([201, 409], [303, 409])  # the page and the API both say "used"
    with world.services.db.unit_of_work(write=False) as session:
        users = session.execute(select(t.User.id).where(t.User.email == "twice@example.org")).all()
        assert len(users) == 1
        memberships = session.execute(
            select(func.count())
            .select_from(t.Membership)
            .where(t.Membership.user_id == users[0][0])
        ).scalar_one()
        assert memberships == 1


def test_one_reset_link_used_twice_at_once_sets_one_password(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = links.reset_link(world.services.db, "ua@example.org")
    met = _hashes_meet(monkeypatch)
    chosen = ["the first new password", "the second new password"]

    def submit(c: Any, n: int) -> Any:
        body = {"token": token, "password": chosen[n]}
        return c.post("/api/auth/password-reset/confirm", json=body)

    assert _twice(world, submit) == [204, 404]
    assert met == [True, True]  # before: [False]
    works = []
    for password in chosen:
        with asgi_client(world.app) as c:
            login = {"email": "ua@example.org", "password": password}
            works.append(c.post("/api/auth/login", json=login).status_code == 200)
    assert sorted(works) == [False, True]
    with world.services.db.unit_of_work(write=False) as session:
        changed = session.execute(
            select(func.count())
            .select_from(SecurityEvent)
            .where(
                SecurityEvent.user_id == world.users["ua"], SecurityEvent.kind == "password.changed"
            )
        ).scalar_one()
    assert changed == 1


def test_two_invitations_to_one_new_address_accepted_at_once_make_one_account(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two different invitations to the same new address, accepted at the same moment: one
    account, and the other acceptance is told the address is taken (409), never a 500. On
    PostgreSQL both pass the check that the address is free before either account is written;
    the second insert then meets the unique address (before: an unhandled IntegrityError)."""
    tokens = [  # two seats: inviting one seat again replaces its invitation
        links.invitation_link(world, "same@example.org"),
        links.invitation_link(world, "same@example.org", "mediator", "United Nations"),
    ]
    met = _hashes_meet(monkeypatch)

    def submit(c: Any, n: int) -> Any:
        form = {"name": f"Same {n}", "password": f"a good password number {n}"}
        return c.post("/api/invitations/accept", json={**form, "token": tokens[n]})

    statuses = _twice(world, submit)
    assert met == [True, True]
    assert statuses == [201, 409]
    with world.services.db.unit_of_work(write=False) as session:
        users = session.execute(select(t.User.id).where(t.User.email == "same@example.org")).all()
        assert len(users) == 1


def test_inviting_an_address_again_to_the_same_seat_replaces_its_invitation(
    world: World,
) -> None:
    """An administrator who invites the same address to the same seat twice (the first mail
    lost, say) leaves one pending invitation: the earlier link no longer works (before: two
    pending invitations, both usable, and no word of it)."""
    first = links.invitation_link(world, "again@example.org")
    second = links.invitation_link(world, "again@example.org")
    other_seat = links.invitation_link(world, "again@example.org", "mediator", "United Nations")
    listed = world.get("admin", f"/api/processes/{world.process_id}/invitations").json()
    states = [i["state"] for i in listed if i["email"] == "again@example.org"]
    assert states == ["replaced", "pending", "pending"], listed  # the second and the mediator
    form = {"name": "Again", "password": "a good password for again"}
    with asgi_client(world.app) as c:
        old = c.post("/api/invitations/accept", json={**form, "token": first})
        assert old.status_code == 409, old.text
        assert "a newer invitation to the same role replaced this one" in old.json()["detail"]
        new = c.post("/api/invitations/accept", json={**form, "token": second})
        assert new.status_code == 201, new.text
    assert other_seat
