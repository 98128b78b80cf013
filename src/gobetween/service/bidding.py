"""Double-blind bidding in a track: open, bid, release a round's result, close, read.

The rules are the pure machine's (:mod:`gobetween.protocols.blind_bidding`, with the sealed
rounds of :mod:`gobetween.protocols.blind_bidding_release`); every action goes through the one
service step (:mod:`gobetween.service.protocol_steps`): policy, the track's lock, replay,
decide, the event log with its audit, live updates. What opening fixed (the issue, payer,
payee, rules) is the track's :class:`~gobetween.store.bidding_tables.Bidding` row.

Who sees what:

- the mediators see both sides' bids as they come and each round's result, and release the
  result to both sides at once (:func:`release_result`);
- each side (the payer, the payee) sees its own bids and, per released round, "settled at X"
  or "no settlement"; never the other's figure, how far apart they were, nor whether or when
  the other side bid (see the protocol module);
- every other member of the track (another party, an observer, an admin) gets 404, exactly
  as for a track without a bidding.

A settlement on a numeric issue maps to the option with the nearest value (``agreed``), which
the mediators then take into the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, NotFound, ValidationFailed
from gobetween.i18n import _
from gobetween.model import Agenda
from gobetween.policy import Actor, TrackView
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import blind_bidding_release as sealed
from gobetween.protocols.base import ActionRule
from gobetween.service import protocol_steps
from gobetween.service.negotiate import notify, track_agenda
from gobetween.store import audit, event_log, repositories
from gobetween.store import tables as t
from gobetween.store.bidding_tables import Bidding

__all__ = [
    "MAX_ROUNDS",
    "bidding_view",
    "close_bidding",
    "open_bidding",
    "release_result",
    "submit_bid",
]

#: The most rounds a bidding may have.
MAX_ROUNDS = 20
PROTOCOL = sealed.PROTOCOL


def _missing(track_id: int) -> NotFound:
    return NotFound(_("no bidding in track %(track_id)s") % {"track_id": track_id})


def _row(session: Session, track_id: int) -> Bidding | None:
    return session.get(Bidding, track_id)


def _settings(row: Bidding) -> dict[str, Any]:
    return {"payer": str(row.payer_id), "payee": str(row.payee_id), "rules": row.rules}


@protocol_steps.settings_source(PROTOCOL.name)
def _stored_settings(session: Session, track_id: int) -> dict[str, Any] | None:
    """The bidding's settings for the generic routes: its row (``None``: no bidding)."""
    row = _row(session, track_id)
    return None if row is None else _settings(row)


def _visible(session: Session, actor: Actor, track_id: int) -> tuple[Bidding, TrackView]:
    """The bidding and the actor's view; 404 for whoever sees nothing of it (a party that
    does not bid, an observer, an admin), worded as for a track without a bidding."""
    _track, view = repositories.track(session, actor, track_id)
    row = _row(session, track_id)
    if row is None:
        raise _missing(track_id)
    if not view.is_mediator and view.own_party not in (row.payer_id, row.payee_id):
        raise _missing(track_id)
    return row, view


def _names(session: Session, row: Bidding) -> dict[int, str]:
    found = session.execute(
        select(t.Organisation.id, t.Organisation.name).where(
            t.Organisation.id.in_((row.payer_id, row.payee_id))
        )
    ).all()
    return {int(org_id): str(name) for org_id, name in found}


def _present(
    session: Session, row: Bidding, agenda: Agenda, shown: dict[str, Any]
) -> dict[str, Any]:
    """The protocol's view with what the bidding row adds: the issue, the sides' names, and
    the agreed option a released settlement maps to."""
    names = _names(session, row)
    settlement = shown.get("settlement")
    if shown.get("view") == "mediator":
        released = shown.get("released", 0)
        results = shown.get("results", [])
        settled = [r for r in results[:released] if r["settled"]]
        settlement = settled[-1]["amount"] if settled else None
    agreed: dict[str, Any] | None = None
    if settlement is not None:
        option = None
        if row.issue is not None and agenda.has_issue(row.issue):
            found = sealed.settled_option(agenda.issue(row.issue), settlement)
            option = found.name if found is not None else None
        agreed = {"issue": row.issue, "amount": settlement, "option": option}
    return {
        **shown,
        "issue": row.issue,
        "payer_name": names.get(row.payer_id, ""),
        "payee_name": names.get(row.payee_id, ""),
        "agreed": agreed,
    }


def bidding_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """The bidding as the caller may see it (mediators: everything; a side: its own view)."""
    row, _view = _visible(session, actor, track_id)
    loaded = protocol_steps.load(session, actor, track_id, PROTOCOL, settings=_settings(row))
    shown = protocol_steps.view_for(PROTOCOL, loaded.state, loaded.view)
    return _present(session, row, track_agenda(loaded.track), shown)


def _rules(
    agenda: Agenda,
    issue: str | None,
    *,
    max_rounds: int,
    relative: float,
    absolute: float,
    monotone: bool,
    deadline: dt.datetime | None,
    unit: str | None,
    now: dt.datetime,
) -> bb.BiddingRules:
    if not 1 <= max_rounds <= MAX_ROUNDS:
        raise ValidationFailed(
            _("a bidding has 1 to %(most)s rounds, not %(rounds)s")
            % {"most": MAX_ROUNDS, "rounds": max_rounds},
            location="max_rounds",
        )
    if not 0 <= relative < 1:
        raise ValidationFailed(
            _("the band as a share of the demand must be at least 0 and below 1"),
            location="tolerance.relative",
        )
    if absolute < 0:
        raise ValidationFailed(
            _("the band as an amount must not be negative"), location="tolerance.absolute"
        )
    if deadline is not None and deadline <= now:
        raise ValidationFailed(
            _("the bidding's deadline must be in the future"), location="deadline"
        )
    if unit is None:
        unit = (agenda.issue(issue).unit if issue is not None else None) or ""
    return bb.BiddingRules(max_rounds, bb.Tolerance(relative, absolute), monotone, deadline, unit)


def _check_issue(agenda: Agenda, issue: str | None) -> None:
    if issue is None:
        return
    if not agenda.has_issue(issue):
        raise ValidationFailed(
            _("the agenda has no issue %(issue)r") % {"issue": issue}, location="issue"
        )
    if not any(o.value is not None for o in agenda.issue(issue).options):
        raise ValidationFailed(
            _("issue %(issue)r has no numbers to bid on (its options carry no values)")
            % {"issue": issue},
            location="issue",
        )


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
    """A mediator opens the track's bidding between ``payer`` and ``payee`` (party ids).

    ``issue`` names the numeric issue bid on (``None``: an amount of the whole track). 409 when
    the track already has a bidding; 422 naming the field for a bad issue, party or rule.
    Both sides are told in the same step.
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(sealed.OPEN_BIDDING)
    event_log.lock(session, event_log.protocol_stream(track.id, PROTOCOL.name))
    if _row(session, track.id) is not None:
        raise Conflict(_("track %(track_id)s already has a bidding") % {"track_id": track_id})
    for key, party in (("payer", payer), ("payee", payee)):
        if party not in view.party_ids:
            raise ValidationFailed(
                _("organisation %(party)s is not a party of this track") % {"party": party},
                location=key,
            )
    if payer == payee:
        raise ValidationFailed(_("the payer and the payee must be two parties"), location="payee")
    agenda = track_agenda(track)
    _check_issue(agenda, issue)
    now = t.utcnow()
    rules = _rules(
        agenda,
        issue,
        max_rounds=max_rounds,
        relative=relative,
        absolute=absolute,
        monotone=monotone,
        deadline=deadline,
        unit=unit,
        now=now,
    )
    row = Bidding(
        track_id=track.id,
        issue=issue,
        payer_id=payer,
        payee_id=payee,
        rules=rules.to_dict(),
        opened_by=actor.user_id,
        opened_at=now,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=actor.user_id,
        action="bidding.opened",
        object_type="bidding",
        object_id=track.id,
        change={"issue": issue, "payer": payer, "payee": payee, "rules": rules.to_dict()},
    )
    for party in (payer, payee):
        notify(session, track.id, party, sealed.BiddingUpdate.BIDDING, 0)
    return bidding_view(session, actor, track_id)


def submit_bid(
    session: Session, actor: Actor, track_id: int, *, round_number: int, amount: float
) -> dict[str, Any]:
    """A side's sealed bid for round ``round_number``: an offer (payer) or a demand (payee).

    Returns the side's view; it reads the same whether or not the other side has bid, and the
    bid stores one event either way (the round is worked out at its release).
    """
    row, view = _visible(session, actor, track_id)
    if view.own_party not in (row.payer_id, row.payee_id):
        raise _missing(track_id)  # a mediator does not bid
    return _perform(session, actor, row, bb.SUBMIT_BID, round=round_number, amount=amount)


def release_result(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """A mediator releases the waiting round's result to both sides at once (409 while the
    round lacks a bid): the round is resolved now, stored with its release."""
    row, _view = _visible(session, actor, track_id)
    return _perform(session, actor, row, sealed.RELEASE_RESULT)


def close_bidding(session: Session, actor: Actor, track_id: int, *, reason: str) -> dict[str, Any]:
    """A mediator ends the bidding early (both sides are told, with the reason)."""
    row, _view = _visible(session, actor, track_id)
    return _perform(session, actor, row, bb.CLOSE_BIDDING, reason=reason)


def _perform(
    session: Session, actor: Actor, row: Bidding, rule: ActionRule, **body: Any
) -> dict[str, Any]:
    """One action the way the generic route does it (:func:`protocol_steps.perform`: the
    action built from the rule's dataclass with the caller as its actor, the one step); the
    caller's view afterwards, with what the bidding's row adds."""
    shown = protocol_steps.perform(session, actor, row.track_id, PROTOCOL, rule, body)
    track, _view = repositories.track(session, actor, row.track_id)
    return _present(session, row, track_agenda(track), shown)
