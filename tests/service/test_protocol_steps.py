"""The generic protocol step and the one event log, seen from the store.

Whatever the protocol, a step appends its events in order with one audit link each
(``<protocol>.<event type>``), queues the live updates the protocol's ``notices`` ask for in the
right scope, and stores nothing when the protocol refuses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from tests.service.world import World

from gobetween.model import OrganisationKind, Role
from gobetween.policy import Actor, Membership, track_view
from gobetween.protocols import relay
from gobetween.protocols import single_text as st
from gobetween.store import event_log
from gobetween.store import tables as t

TEXT = {
    "package": {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"},
    "clauses": {},
    "note": "first draft",
}


def _rows(world: World, food: int) -> dict[str, Any]:
    with world.services.db.unit_of_work(write=False) as session:
        events = session.execute(
            select(
                t.ProtocolEvent.protocol,
                t.ProtocolEvent.seq,
                t.ProtocolEvent.id,
                t.ProtocolEvent.party_id,
                t.ProtocolEvent.body,
            )
            .where(t.ProtocolEvent.track_id == food)
            .order_by(t.ProtocolEvent.id)
        ).all()
        audits = session.execute(
            select(t.AuditEntry.action, t.AuditEntry.object_type, t.AuditEntry.object_id)
            .where(t.AuditEntry.object_type == "protocol_event")
            .order_by(t.AuditEntry.seq)
        ).all()
        notices = session.execute(
            select(t.Notification.party_id, t.Notification.kind, t.Notification.object_id)
            .where(t.Notification.track_id == food)
            .order_by(t.Notification.id)
        ).all()
        next_text = event_log.next_seq(session, event_log.protocol_stream(food, "single_text"))
        next_relay = event_log.next_seq(session, event_log.protocol_stream(food, "relay"))
        total = session.execute(select(func.count()).select_from(t.AuditEntry)).scalar_one()
    return {
        "events": events,
        "audits": audits,
        "notices": notices,
        "next": (next_text, next_relay),
        "audit_total": total,
    }


def test_each_event_is_appended_in_order_with_its_audit_link_and_its_live_update(
    world: World,
) -> None:
    food = world.tracks["food"]
    ru = world.orgs["Russian Federation"]
    assert _rows(world, food)["next"] == (1, 1)
    assert world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT).status_code == 201
    answer = {"version": 1, "kind": "accept"}
    assert world.post("ru", f"/api/tracks/{food}/text/answers", json=answer).status_code == 201
    offer = {"options": {"ports": "three ports"}, "message": "hello"}
    assert world.post("ru", f"/api/tracks/{food}/offers", json=offer).status_code == 201

    rows = _rows(world, food)
    assert [(p, s, body["type"]) for p, s, _, _, body in rows["events"]] == [
        ("single_text", 1, "text_published"),
        ("single_text", 2, "answer_given"),
        ("relay", 1, "offer_submitted"),
    ]
    # private to the party whose answer or offer it is; the text is everyone's
    assert [party for _, _, _, party, _ in rows["events"]] == [None, ru, ru]
    assert rows["audits"][-3:] == [
        ("single_text.text_published", "protocol_event", str(rows["events"][0][2])),
        ("single_text.answer_given", "protocol_event", str(rows["events"][1][2])),
        ("relay.offer_submitted", "protocol_event", str(rows["events"][2][2])),
    ]
    assert rows["next"] == (3, 2)
    kinds = [(party, kind) for party, kind, _ in rows["notices"]]
    assert kinds[-3:] == [(None, "text"), (ru, "answer"), (ru, "offer")]


def test_a_refused_step_stores_audits_and_notifies_nothing(world: World) -> None:
    food = world.tracks["food"]
    world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT)
    before = _rows(world, food)
    late = {"version": 2, "kind": "accept"}
    r = world.post("ru", f"/api/tracks/{food}/text/answers", json=late)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    r = world.post("un", f"/api/tracks/{food}/offers/1/forward", json={})
    assert r.status_code == 409, r.text
    after = _rows(world, food)
    assert after == before


def test_protocol_action_rules_decide_in_the_policy() -> None:
    seats = {10: OrganisationKind.PARTY, 11: OrganisationKind.PARTY, 20: OrganisationKind.MEDIATOR}
    party = track_view(
        Actor(1, (Membership(1, Role.PARTY_MEMBER, 10),)),
        process_id=1,
        track_id=3,
        participants=seats,
    )
    mediator = track_view(
        Actor(2, (Membership(1, Role.MEDIATOR, 20),)),
        process_id=1,
        track_id=3,
        participants=seats,
    )
    # own-party actions: a party answers and offers for itself only, a mediator never does
    for rule in (st.ANSWER_TEXT, relay.SEND_OFFER):
        assert party.allows(rule, 10)
        assert not party.allows(rule, 11)
        assert not mediator.allows(rule, 10)
    # mediators' actions
    for rule in (st.PUBLISH_TEXT, relay.FORWARD_OFFER):
        assert mediator.allows(rule)
        assert not party.allows(rule)
