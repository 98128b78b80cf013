"""The contract every registered protocol keeps: one base class its tests inherit.

A protocol's test module declares ``class TestXContract(ProtocolContract)`` and fills in:

- ``protocol``: the registered declaration (``PROTOCOL``);
- ``initial(agenda)``: the state before any event (through ``protocol.initial``, with the
  protocol's settings);
- ``script(agenda)``: a run of ``(action, now)`` pairs that produces every kind of event;
- ``worlds(agenda)``: ``(party, run_a, run_b)``: two runs that differ only in what *other*
  parties did privately, after which ``party`` must observe exactly the same;
- ``parties``: the parties of the track those runs use;
- ``golden``: a stored log in ``tests/protocols/data`` (the file, and how many leading entries
  are the protocol's settings rather than events); ``golden_initial`` builds the state it
  replays onto.

The base then checks: the protocol is registered under its name; replaying the stored wire form of
a run gives the live state; every event survives the wire (and JSON) unchanged; every view is
JSON; the two worlds look the same to ``party`` (its view, and the live updates addressed to it or
to everyone); the notices use only declared live-update kinds and address members of the track;
the action rules name real seats (and a generic one its actor first); the golden log replays and
re-serialises byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from gobetween import wire
from gobetween.model import Agenda
from gobetween.policy import Seat
from gobetween.protocols import registry
from gobetween.protocols.base import Notice, ViewRole

DATA = Path(__file__).parent / "data"

Run = Sequence[tuple[Any, datetime]]


class ProtocolContract:
    """Inherit and fill in the members below (see the module's docstring)."""

    protocol: ClassVar[registry.AnyProtocol]
    parties: ClassVar[tuple[str, ...]]
    #: ``(file in tests/protocols/data, how many leading entries are settings, not events)``.
    golden: ClassVar[tuple[str, int]]

    def initial(self, agenda: Agenda) -> Any:
        """The state before any event."""
        raise NotImplementedError

    def script(self, agenda: Agenda) -> Run:
        """A run that produces every kind of event the protocol has."""
        raise NotImplementedError

    def worlds(self, agenda: Agenda) -> tuple[str, Run, Run]:
        """A party and two runs that differ only in what other parties did privately."""
        raise NotImplementedError

    def golden_initial(self, agenda: Agenda, settings: list[dict[str, Any]]) -> Any:
        """The initial state the golden log replays onto (``settings``: its leading entries)."""
        return self.initial(agenda)

    # -- helpers -----------------------------------------------------------------------------

    def run(self, agenda: Agenda, actions: Run) -> tuple[Any, list[Any], list[Notice]]:
        """Step through ``actions``: the state, every event and every notice."""
        state = self.initial(agenda)
        events: list[Any] = []
        notices: list[Notice] = []
        for action, now in actions:
            state, new = wire.step(
                self.protocol.decide, self.protocol.apply, state, action, now=now
            )
            events.extend(new)
            notices.extend(self.protocol.notices(state, new))
        return state, events, notices

    def views(self, state: Any, parties: Sequence[str]) -> dict[str, Any]:
        """Every role's view of ``state``, keyed by role (and party)."""
        out = {
            "mediator": self.protocol.view(state, ViewRole.MEDIATOR),
            "observer": self.protocol.view(state, ViewRole.OBSERVER),
        }
        for party in parties:
            out[f"party {party}"] = self.protocol.view(state, ViewRole.PARTY, party)
        return out

    # -- the contract ------------------------------------------------------------------------

    def test_registered_under_its_name(self) -> None:
        assert registry.get(self.protocol.name) is self.protocol
        assert 0 < len(self.protocol.name) <= registry.MAX_NAME

    def test_replay_equals_live_state(self, agenda: Agenda) -> None:
        state, events, _ = self.run(agenda, self.script(agenda))
        stored = json.loads(json.dumps([e.to_dict() for e in events]))
        replayed = wire.replay(
            self.protocol.apply,
            lambda d: self.protocol.read_event(d, agenda),
            self.initial(agenda),
            stored,
        )
        assert replayed == state

    def test_every_event_survives_the_wire(self, agenda: Agenda) -> None:
        _, events, _ = self.run(agenda, self.script(agenda))
        assert len({e.type for e in events}) >= 2, "the script should make several kinds"
        for event in events:
            body = json.loads(json.dumps(event.to_dict()))
            back = self.protocol.read_event(body, agenda)
            assert back == event
            assert back.to_dict() == body

    def test_views_are_json(self, agenda: Agenda) -> None:
        state, _, _ = self.run(agenda, self.script(agenda))
        for role, view in self.views(state, self.parties).items():
            assert view is None or json.loads(json.dumps(view)) == view, role

    def test_views_leak_nothing_of_another_party(self, agenda: Agenda) -> None:
        party, run_a, run_b = self.worlds(agenda)
        state_a, _, notices_a = self.run(agenda, run_a)
        state_b, _, notices_b = self.run(agenda, run_b)
        view_a = self.protocol.view(state_a, ViewRole.PARTY, party)
        view_b = self.protocol.view(state_b, ViewRole.PARTY, party)
        assert view_a == view_b
        seen_a = [n for n in notices_a if n.party in (None, party)]
        seen_b = [n for n in notices_b if n.party in (None, party)]
        assert seen_a == seen_b
        assert state_a != state_b, "the two worlds should differ for the mediators"

    def test_notices_are_declared_and_addressed_to_members(self, agenda: Agenda) -> None:
        _, _, notices = self.run(agenda, self.script(agenda))
        assert notices, "the script should notify someone"
        members = set(self.parties)
        for notice in notices:
            assert notice.kind in self.protocol.live_updates
            assert notice.kind in registry.live_kinds()
            assert notice.party is None or notice.party in members

    def test_action_rules_name_real_seats(self) -> None:
        seats = {s.value for s in Seat}
        for rule in self.protocol.actions:
            assert rule.seats, rule
            assert rule.seats <= seats, rule
            assert not (rule.own_party and rule.seats != {"party"}), rule

    def test_generic_actions_name_their_actor(self) -> None:
        """A rule done through the generic route names an action whose first field is the
        actor the service fills in: the party for an own-party rule, the mediator otherwise."""
        for rule in self.protocol.actions:
            if rule.action is None or rule.opens:
                continue
            first = dataclasses.fields(rule.action)[0].name
            assert first == ("party" if rule.own_party else "mediator"), rule

    def test_golden_log_replays_byte_for_byte(self, agenda: Agenda) -> None:
        name, leading = self.golden
        text = (DATA / name).read_text(encoding="utf-8")
        stored: list[dict[str, Any]] = json.loads(text)
        initial = self.golden_initial(agenda, stored[:leading])
        state = wire.replay(
            self.protocol.apply,
            lambda d: self.protocol.read_event(d, agenda),
            initial,
            stored[leading:],
        )
        assert state != initial
        rewritten = [*stored[:leading], *(e.to_dict() for e in state.log)]
        assert json.dumps(rewritten, indent=1, ensure_ascii=False) + "\n" == text
