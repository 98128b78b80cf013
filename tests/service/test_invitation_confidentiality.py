"""Two worlds over invitations: what a party's members read, and what someone invited to that
party's seat reads of their link, does not depend on what the secretariat does with an
invitation to the *other* party's seat.

In the *quiet* world nobody is invited to the Russian Federation's seat; in the *busy* one the
administrator invites an address to it, invites it again (which replaces the first invitation),
withdraws the second, and the invitee opens and submits the withdrawn link and the replaced
one. After each of those steps the two Ukrainian members' pages and API answers, and the page
and lookup of a pending invitation to Ukraine's seat (made alike in both worlds before), are
compared byte for byte with times and the link's token masked; at the end Ukraine's invitee
accepts in both worlds, with the same answer.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from tests.service import links
from tests.service.two_worlds import OBSERVED, masked
from tests.service.world import PASSWORD, World, make_settings

from gobetween.store import tables as t

#: When the invitation to Ukraine's seat expires, the same in both worlds.
EXPIRES = dt.datetime(2099, 1, 4, 12, 0, tzinfo=dt.UTC)

Step = Callable[[World], httpx.Response]


def _invite_russia(world: World) -> httpx.Response:
    org = world.orgs["Russian Federation"]
    body = {"email": "ru.new@example.org", "role": "party_member", "organisation_id": org}
    return world.post("admin", f"/api/processes/{world.process_id}/invitations", json=body)


def _russias(world: World) -> list[dict[str, object]]:
    listed = world.get("admin", f"/api/processes/{world.process_id}/invitations").json()
    return [i for i in listed if i["email"] == "ru.new@example.org"]


def _withdraw_russias(world: World) -> httpx.Response:
    (pending,) = [i for i in _russias(world) if i["state"] == "pending"]
    url = f"/api/processes/{world.process_id}/invitations/{pending['id']}/withdraw"
    return world.post("admin", url)


class Links:
    """The plain tokens of the busy world's invitations to Russia's seat, as mailed."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def invite(self, world: World) -> httpx.Response:
        made = _invite_russia(world)
        self.tokens.append(str(made.json()["token"]))
        return made

    def opened(self, n: int) -> Step:
        return lambda world: world.client.get(f"/invitations/{self.tokens[n]}")

    def submitted(self, n: int) -> Step:
        form = {"name": "Ru New", "password": PASSWORD}
        return lambda world: world.client.post(f"/invitations/{self.tokens[n]}", data=form)


def _reads(world: World, token: str) -> list[tuple[str, int, str]]:
    """What Ukraine's members and Ukraine's invitee read, masked (times, the invitee's token)."""
    pid, food = world.process_id, world.tracks["food"]
    urls = (
        "/",
        "/api/processes",
        f"/api/processes/{pid}",
        f"/api/processes/{pid}/members",
        f"/tracks/{food}",
        f"/api/tracks/{food}/events?follow=false",
        "/api/invitations",
    )
    seen = []
    for who in OBSERVED:
        for url in urls:
            r = world.get(who, url)
            seen.append((f"{who} {url}", r.status_code, masked(r.text)))
    page = world.client.get(f"/invitations/{token}")
    lookup = world.client.post("/api/invitations/lookup", json={"token": token})
    for name, r in (("link", page), ("lookup", lookup)):
        seen.append((name, r.status_code, masked(r.text.replace(token, "<token>"))))
    return seen


@pytest.fixture
def worlds() -> Iterator[tuple[World, World]]:
    """The quiet world and the busy one."""
    with tempfile.TemporaryDirectory() as tmp:
        built = []
        for name in ("quiet", "busy"):
            (Path(tmp) / name).mkdir()
            built.append(World.build(make_settings(f"sqlite:///{Path(tmp) / name}/gobetween.db")))
        try:
            yield built[0], built[1]
        finally:
            for world in built:
                world.close()


def test_what_a_party_reads_does_not_depend_on_the_other_partys_invitations(
    worlds: tuple[World, World],
) -> None:
    quiet, busy = worlds
    ours = []
    for world in worlds:  # Ukraine's invitee, alike in both worlds
        ours.append(links.invitation_link(world, "ua.new@example.org", "party_member", "Ukraine"))
        with world.services.db.unit_of_work() as session:
            session.execute(update(t.Invitation).values(expires_at=EXPIRES))
    busy_links = Links()
    theirs: tuple[tuple[str, Step, int], ...] = (
        ("invites", busy_links.invite, 201),
        ("invites again", busy_links.invite, 201),
        ("withdraws", _withdraw_russias, 200),
        ("the invitee opens the withdrawn link", busy_links.opened(1), 200),
        ("the invitee submits it", busy_links.submitted(1), 409),
        ("the invitee submits the replaced one", busy_links.submitted(0), 409),
    )
    assert _reads(quiet, ours[0]) == _reads(busy, ours[1]), "before"
    for step, act, status in theirs:
        assert act(busy).status_code == status, step
        assert _reads(quiet, ours[0]) == _reads(busy, ours[1]), step
    assert [i["state"] for i in _russias(busy)] == ["replaced", "withdrawn"]
    account = {"name": "Ua New", "password": PASSWORD}
    accepted = [
        w.client.post("/api/invitations/accept", json={**account, "token": token})
        for w, token in zip(worlds, ours, strict=True)
    ]
    assert accepted[0].status_code == 201, accepted[0].text
    assert masked(accepted[0].text) == masked(accepted[1].text)
    assert _reads(quiet, ours[0]) == _reads(busy, ours[1]), "after Ukraine's invitee joined"
