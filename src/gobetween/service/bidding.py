"""Double-blind bidding under its own names: thin aliases of the generic protocol calls.

Everything a bidding does goes through the generic path (:mod:`gobetween.service.protocol_steps`,
the same calls as ``/api/tracks/{id}/protocols/blind_bidding/...``): the opening stores the
settings at the head of the protocol's log (:mod:`gobetween.protocols.blind_bidding_settings`
checks them), each bid, release and close is one generic step, the view is the protocol's
for the caller's role. What these functions add is only what the older routes
(``/api/tracks/{id}/bidding``) and the command line answered beyond the protocol's view: the
sides' names (``payer_name``, ``payee_name``), which the pure protocol does not know.

Who sees what (the protocol's views):

- the mediators see both sides' bids as they come and each round's result, and release the
  result to both sides at once (:func:`release_result`);
- each side (the payer, the payee) sees its own bids and, per released round, "settled at X"
  or "no settlement"; never the other's figure, how far apart they were, nor whether or when
  the other side bid;
- every other member of the track (another party, an observer, an admin) gets 404, exactly
  as for a track without a bidding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import blind_bidding_release as sealed
from gobetween.protocols import blind_bidding_settings as opening
from gobetween.protocols.base import ActionRule
from gobetween.service import protocol_steps
from gobetween.store import repositories

__all__ = [
    "MAX_ROUNDS",
    "bidding_view",
    "close_bidding",
    "open_bidding",
    "release_result",
    "submit_bid",
]

#: The most rounds a bidding may have.
MAX_ROUNDS = opening.MAX_ROUNDS
PROTOCOL = sealed.PROTOCOL


def _named(session: Session, shown: dict[str, Any]) -> dict[str, Any]:
    """The protocol's view with the sides' organisation names."""
    sides = (int(shown["payer"]), int(shown["payee"]))
    found = repositories.organisation_names(session, sides)
    return {**shown, "payer_name": found.get(sides[0], ""), "payee_name": found.get(sides[1], "")}


def bidding_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """The bidding as the caller may see it (mediators: everything; a side: its own view)."""
    return _named(session, protocol_steps.show(session, actor, track_id, PROTOCOL))


def open_bidding(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    payer: int,
    payee: int,
    issue: str | None = None,
    max_rounds: int = 3,
    relative: float = 0.0,
    absolute: float = 0.0,
    monotone: bool = True,
    deadline: dt.datetime | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    """A mediator opens the track's bidding between ``payer`` and ``payee`` (party ids): the
    generic opening (``open_bidding``) with these settings. 409 when the track already has a
    bidding; 422 naming the field for a bad issue, party or rule."""
    settings = opening.BiddingSettings(
        payer, payee, issue, max_rounds, relative, absolute, monotone, deadline, unit
    )
    body = {k: getattr(settings, k) for k in settings.__dataclass_fields__}
    return _perform(session, actor, track_id, sealed.OPEN_BIDDING, **body)


def submit_bid(
    session: Session, actor: Actor, track_id: int, *, round_number: int, amount: float
) -> dict[str, Any]:
    """A side's sealed bid for round ``round_number``: an offer (payer) or a demand (payee).

    Returns the side's view; it reads the same whether or not the other side has bid, and the
    bid stores one event either way (the round is worked out at its release).
    """
    return _perform(session, actor, track_id, bb.SUBMIT_BID, round=round_number, amount=amount)


def release_result(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """A mediator releases the waiting round's result to both sides at once (409 while the
    round lacks a bid): the round is resolved now, stored with its release."""
    return _perform(session, actor, track_id, sealed.RELEASE_RESULT)


def close_bidding(session: Session, actor: Actor, track_id: int, *, reason: str) -> dict[str, Any]:
    """A mediator ends the bidding early (both sides are told, with the reason)."""
    return _perform(session, actor, track_id, bb.CLOSE_BIDDING, reason=reason)


def _perform(
    session: Session, actor: Actor, track_id: int, rule: ActionRule, **body: Any
) -> dict[str, Any]:
    """One generic action (:func:`protocol_steps.perform`), the caller's view afterwards with
    the sides' names."""
    return _named(session, protocol_steps.perform(session, actor, track_id, PROTOCOL, rule, body))
