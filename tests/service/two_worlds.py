"""The two-worlds setup the protocols' confidentiality tests share.

A protocol keeps a party's doings private when everything another party can observe is the
same whatever that party did, and whenever. The tests build two demo worlds (two databases),
make the *other* party act differently in each (early or late, one figure or another, or not at
all), make the *observed* party act the same in both, and compare, byte for byte with only
times masked, everything the observed party can read: the protocol's view through its own and
the generic API, the list of the track's protocols, the live-update stream with its cursor ids,
the protocol's page and the track's overview, and the answers to its own attempts.

:class:`TwoWorlds` is the Hypothesis state machine's base (the worlds, :meth:`TwoWorlds.both`
for a request made in both, and the invariant that compares); a protocol's test adds the rules.
:func:`observe`, :func:`masked` and :func:`rows` (the rows a request adds to every table) serve
the single-world checks too.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine, invariant
from tests.service.world import World, make_settings

__all__ = ["OBSERVED", "TwoWorlds", "masked", "observe", "rows"]

_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_TIME_SHOWN = re.compile(r"<time datetime=\"<time>\">[^<]*</time>")

#: The observed party's two members in the demo world (Ukraine).
OBSERVED = ("ua", "ua2")


def masked(text: str) -> str:
    """``text`` with every time (as written on the wire, and as shown on a page) masked."""
    return _TIME_SHOWN.sub("<shown time>", _TIME.sub("<time>", text))


def observe(
    world: World, who: str, protocol: str, *, track: int | None = None, more: tuple[str, ...] = ()
) -> list[tuple[str, int, str]]:
    """Every read of ``who`` about ``protocol`` in the track (default: the food track) and
    the track's live updates, masked; ``more``: further addresses (``{track}`` filled in)."""
    t = world.tracks["food"] if track is None else track
    urls = (
        f"/api/tracks/{t}/protocols/{protocol}",
        f"/api/tracks/{t}/protocols",
        f"/api/tracks/{t}/events?follow=false",
        f"/tracks/{t}/protocols/{protocol}",
        f"/tracks/{t}",
        *(url.format(track=t) for url in more),
    )
    seen = []
    for url in urls:
        r = world.get(who, url)
        seen.append((url, r.status_code, masked(r.text)))
    return seen


def rows(world: World) -> tuple[dict[str, int], list[Any]]:
    """How many rows every table holds, and the newest protocol event and audit entry (their
    bodies and audited actions with times and ids masked: what differs beyond the figures)."""
    from sqlalchemy import func, select

    from gobetween.store import tables as t

    with world.services.db.unit_of_work() as session:
        counts = {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in t.Base.metadata.sorted_tables
        }
        event = session.execute(
            select(t.ProtocolEvent).order_by(t.ProtocolEvent.id.desc()).limit(1)
        ).scalar_one()
        entry = session.execute(
            select(t.AuditEntry).order_by(t.AuditEntry.seq.desc()).limit(1)
        ).scalar_one()
        newest = [
            masked(json.dumps(event.body, sort_keys=True)),
            (entry.action, entry.object_type, len(entry.digest), len(entry.hash)),
        ]
    return counts, newest


class TwoWorlds(RuleBasedStateMachine):
    """Two demo worlds, ``early`` and ``late`` (:attr:`worlds`), for a protocol's rules.

    A subclass names its ``protocol`` (and ``more`` addresses to compare), opens the worlds in
    its ``@initialize`` rule with :meth:`open_worlds`, and makes requests in both with
    :meth:`both`; after every step the observed party's reads must be the same in both.
    """

    protocol = ""
    more: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.worlds: list[World] = []

    def open_worlds(self, opening: Callable[[World], None]) -> None:
        """Build the two worlds, each opened by ``opening``."""
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        for name in ("early", "late"):
            (root / name).mkdir()
            world = World.build(make_settings(f"sqlite:///{root / name}/gobetween.db"))
            opening(world)
            self.worlds.append(world)

    def teardown(self) -> None:
        for world in self.worlds:
            world.close()
        if self.worlds:
            self.tmp.cleanup()

    def both(self, who: str, url: str, body: dict[str, Any] | None = None) -> int:
        """POST ``body`` to ``url`` as ``who`` in both worlds; for an observed member the two
        answers must be the same (times masked). The first world's status."""
        answers = [w.post(who, url, json=body if body is not None else {}) for w in self.worlds]
        shown = [(a.status_code, masked(a.text)) for a in answers]
        if who in OBSERVED:
            assert shown[0] == shown[1], (who, url, body)
        return answers[0].status_code

    @invariant()
    def the_observed_party_sees_the_same_in_both_worlds(self) -> None:
        if not self.worlds:
            return
        for who in OBSERVED:
            seen = [observe(w, who, self.protocol, more=self.more) for w in self.worlds]
            assert seen[0] == seen[1], who
