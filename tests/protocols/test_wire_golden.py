"""The stored wire form is stable: logs written by earlier versions still replay, byte for byte.

``data/*.json`` hold event logs as the service stores them. Each test replays the stored log
into a state, checks facts about it, and checks that serialising that state's log gives the
stored JSON back. A change to an event's ``to_dict()`` fails here: stored events must stay
readable, so such a change needs a migration, not a new golden file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gobetween.model import Agenda
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import relay
from gobetween.protocols import single_text as stx

DATA = Path(__file__).parent / "data"


def stored(name: str) -> list[dict[str, Any]]:
    log: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return log


def test_single_text_log(agenda: Agenda) -> None:
    wire = stored("single_text_log.json")
    state = stx.replay(stx.SingleTextState.open(agenda, ("RU", "UA"), ("UN", "TR")), wire)
    assert state.status is stx.TrackStatus.READY_FOR_AGREEMENT
    assert [v.number for v in state.versions] == [1, 2]
    assert state.answers_to(1)["RU"].kind is stx.AnswerKind.AMEND
    assert [e.to_dict() for e in state.log] == wire


def test_relay_log(agenda: Agenda) -> None:
    wire = stored("relay_log.json")
    state = relay.replay(relay.RelayState.open(agenda, ("RU", "UA"), ("UN",)), wire)
    assert [o.status for o in state.offers] == [
        relay.OfferStatus.FORWARDED,
        relay.OfferStatus.DECLINED,
    ]
    assert [e.to_dict() for e in state.log] == wire


def test_blind_bidding_log() -> None:
    wire = stored("blind_bidding_log.json")
    rules = bb.BiddingRules.from_dict(wire[0])
    state = bb.replay(bb.BiddingState.open("insurer", "claimant", rules, ("M",)), wire[1:])
    assert (state.status, state.settlement) == (bb.BiddingStatus.SETTLED, 67_000.0)
    assert [rules.to_dict(), *(e.to_dict() for e in state.log)] == wire
