"""The work of reading a party's live updates does not grow with another party's private events.

A stream's poll reads the track's notifications after the reader's cursor. Until 4 December
2026 that was one query over the track's rows filtered by scope, which SQLite answered by
walking every notification of the track (``ix_notifications_track_id_id``), the other parties'
private ones included: with 20,000 of them the observed party's ``events?follow=false`` took
4.61 ms at least against 2.70 ms without (the least of 40 requests;
``.venv/bin/python -m benchmarks.side_channel_replay --stream 20000``), so each poll's time told
the party how busy another party was; after: 2.54 ms against 2.65 ms. Now each readable scope
is read through its own index range and the ranges merged. The work is counted here as the
SQLite virtual machine's steps (``set_progress_handler``), which does not vary with noise.
"""

from __future__ import annotations

from pathlib import Path

from tests.service.vm_steps import counting_steps
from tests.service.world import World, make_settings

from gobetween.store import repositories
from gobetween.store import tables as t


def _steps(world: World, who: str, cursor: dict[int, int]) -> tuple[int, list[tuple[str, int]]]:
    """The VM steps of reading ``who``'s notifications after ``cursor``, and what was read."""
    with world.services.db.unit_of_work(write=False) as session:
        actor = repositories.load_actor(session, world.users[who])
        _track, view = repositories.track(session, actor, world.tracks["food"])
        with counting_steps(world) as steps:
            rows = list(repositories.notifications(session, view, cursor))
        read = [(row.kind, row.number) for row in rows]
    return steps[0], read


def _post(world: World, who: str, party: str, text: str) -> None:
    channel = world.channels[("food", party)]
    answer = world.post(who, f"/api/channels/{channel}/messages", json={"text": text})
    assert answer.status_code == 201, answer.text


def test_reading_a_partys_updates_costs_the_same_whatever_the_other_party_posts(
    tmp_path: Path,
) -> None:
    """Russia posts once between the mediators' messages to Ukraine in one world, fourteen times
    in the other. (The two worlds both hold some of Russia's rows: the end of an index range is
    found one step later when any row follows it in the index, anyone's in any track, which
    says nothing of how busy anyone is.)"""
    seen = []
    for busy in (3, 42):
        w = World.build(make_settings(f"sqlite:///{tmp_path}/w{busy}.db"))
        try:
            ua = w.orgs["Ukraine"]
            for i in range(3):
                _post(w, "un", "ua", f"to ua {i}")
                for j in range(busy // 3):
                    _post(w, "ru", "ru", f"ru {i} {j}")
            cursors: list[dict[int, int]] = [{}, {ua: 1}, {ua: 3}, {0: 0, ua: 2}]
            seen.append([_steps(w, who, c) for who in ("ua", "ua2") for c in cursors])
        finally:
            w.close()
    quiet, busy_world = seen
    assert all(steps > 0 for steps, _read in quiet), quiet
    assert quiet[0][1] == [("message", 1), ("message", 2), ("message", 3)], quiet
    assert busy_world == quiet


def test_every_scope_s_updates_come_in_commit_order(database_url: str) -> None:
    """The merged ranges give what the one query gave: the reader's events after its cursor, in
    id order, at most ``limit``; a mediator reads every party's scope (SQLite and PostgreSQL)."""
    w = World.build(make_settings(database_url))
    try:
        for i in range(3):
            _post(w, "un", "ua", f"to ua {i}")
            _post(w, "ru", "ru", f"ru {i}")
        with w.services.db.unit_of_work(write=False) as session:
            actor = repositories.load_actor(session, w.users["un"])
            _track, view = repositories.track(session, actor, w.tracks["food"])
            every = repositories.notifications(session, view, {})
            ids = [row.id for row in every]
            assert ids == sorted(ids)
            stored = session.query(t.Notification).filter_by(track_id=w.tracks["food"]).count()
            assert len(every) == stored == 6
            two = repositories.notifications(session, view, {}, limit=2)
            assert [row.id for row in two] == ids[:2]
            ru = w.orgs["Russian Federation"]
            after = repositories.notifications(session, view, {ru: 2, w.orgs["Ukraine"]: 3})
            assert [(row.party_id, row.number) for row in after] == [(ru, 3)]
    finally:
        w.close()
