"""The seam: a protocol declared in this test module alone, and registered, is served by the
generic routes of an app created afterwards: its actions appear in the OpenAPI description with
their schemas, members act and read through them, its events land in the one event log with
their audit links, its own live-update kind reaches the party's scope and the pages' list of
kinds, and nothing else in the house names it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest
from annotated_types import MaxLen
from sqlalchemy import select
from tests.service.world import World, make_settings

from gobetween import wire
from gobetween.protocols import registry
from gobetween.protocols.base import ActionRule, Machine, Notice, ViewRole
from gobetween.store import tables as t


@dataclass(frozen=True)
class RaiseHand:
    """A party asks for the floor, with a note for the mediators."""

    party: str
    note: Annotated[str, MaxLen(50)] = ""


@dataclass(frozen=True)
class HandRaised(wire.WireEvent):
    type: ClassVar[str] = "hand_raised"
    party: str
    note: str
    at: datetime


@dataclass(frozen=True)
class Hands:
    parties: tuple[str, ...]
    raised: tuple[tuple[str, str], ...] = ()
    log: tuple[HandRaised, ...] = ()


def _decide(state: Hands, action: RaiseHand, *, now: datetime) -> tuple[HandRaised, ...]:
    return (HandRaised(action.party, action.note, wire.utc(now)),)


def _apply(state: Hands, event: HandRaised) -> Hands:
    raised = (*state.raised, (event.party, event.note))
    return replace(state, raised=raised, log=(*state.log, event))


def _view(state: Hands, role: ViewRole, member: str | None) -> dict[str, Any] | None:
    if role is ViewRole.MEDIATOR:
        return {"view": "mediator", "raised": [list(r) for r in state.raised]}
    if role is ViewRole.PARTY:
        return {"view": "party", "mine": [n for p, n in state.raised if p == member]}
    return None


RAISE_HAND = ActionRule("raise_hand", frozenset({"party"}), own_party=True, action=RaiseHand)
HANDS = Machine(
    name="hands",
    title="Raised hands",
    actions=(RAISE_HAND,),
    live_updates=frozenset({"hand"}),
    opener=lambda agenda, parties, mediators, settings: Hands(parties),
    decider=_decide,
    applier=_apply,
    reader=lambda data, agenda: wire.reader("hands", HandRaised)(data),
    viewer=_view,
    owner_of=lambda event: event.party,
    notifier=lambda state, events: tuple(Notice("hand", e.party) for e in events),
)


@pytest.fixture
def hands(tmp_path: Path) -> Iterator[World]:
    """The protocol registered, and an app created after it (taken out again afterwards)."""
    registry.register(HANDS)
    world = World.build(make_settings(f"sqlite:///{tmp_path}/gobetween.db"))
    try:
        yield world
    finally:
        world.close()
        registry._REGISTRY.pop(HANDS.name)


def test_a_protocol_declared_here_is_served_by_the_generic_routes(hands: World) -> None:
    world = hands
    spec = world.client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/tracks/{track_id}/protocols/hands/raise_hand"]["post"]
    assert operation["tags"] == ["protocols"]
    assert (
        spec["components"]["schemas"]["HandsRaiseHandIn"]["properties"]["note"]["maxLength"] == 50
    )
    food = world.tracks["food"]
    url = f"/api/tracks/{food}/protocols/hands"
    r = world.post("ua", f"{url}/raise_hand", json={"note": "on ports"})
    assert r.status_code == 200, r.text
    assert r.json() == {"view": "party", "mine": ["on ports"]}
    too_long = world.post("ua", f"{url}/raise_hand", json={"note": "x" * 51})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["location"] == "body.note"
    assert world.post("un", f"{url}/raise_hand", json={}).status_code == 403
    assert world.get("ru", url).json() == {"view": "party", "mine": []}
    assert world.get("un", url).json()["raised"] == [[str(world.orgs["Ukraine"]), "on ports"]]
    listed = {p["name"]: p for p in world.get("ru", f"/api/tracks/{food}/protocols").json()}
    assert listed["hands"] == {
        "name": "hands", "title": "Raised hands", "open": True, "actions": ["raise_hand"]
    }  # fmt: skip
    with world.services.db.unit_of_work(write=False) as session:
        party_id, body = session.execute(
            select(t.ProtocolEvent.party_id, t.ProtocolEvent.body).where(
                t.ProtocolEvent.protocol == "hands"
            )
        ).one()
        audited = (
            session.execute(select(t.AuditEntry.action).where(t.AuditEntry.action.like("hands.%")))
            .scalars()
            .all()
        )
        notices = session.execute(
            select(t.Notification.party_id, t.Notification.kind).where(
                t.Notification.kind == "hand"
            )
        ).all()
    assert (party_id, body["type"]) == (world.orgs["Ukraine"], "hand_raised")
    assert list(audited) == ["hands.hand_raised"]
    assert [tuple(n) for n in notices] == [(world.orgs["Ukraine"], "hand")]
    assert "hand" in registry.live_kinds()


def test_a_kind_another_protocol_declared_is_refused() -> None:
    clash = Machine(**{**HANDS.__dict__, "name": "hands2", "actions": (), "live_updates":
                       frozenset({"bid"})})  # fmt: skip
    with pytest.raises(Exception, match="live-update kinds already taken"):
        registry.register(clash)
    assert "hands2" not in [p.name for p in registry.protocols()]
