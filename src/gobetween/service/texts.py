"""The single negotiating text and relayed offers, persisted as protocol events.

The rules live in the pure state machines of :mod:`gobetween.protocols.single_text` and
:mod:`gobetween.protocols.relay`; this module loads a track's state by replaying its stored
events, checks the policy, steps the machine, stores the new events, notifies and audits.
Protocol members are named by organisation id (as text). What a caller sees is always one of the
protocols' own views: a party's view for a party member, the mediators' view for a mediator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import InvalidModel, NotFound
from gobetween.i18n import _
from gobetween.model import Agenda, Package
from gobetween.policy import Action, Actor, Seat, TrackView
from gobetween.protocols import relay
from gobetween.protocols import single_text as st
from gobetween.protocols.single_text_articles import Article, ArticleAnswer
from gobetween.protocols.single_text_redline import redline
from gobetween.protocols.single_text_views import mediator_view, party_view
from gobetween.service.negotiate import notify, track_agenda
from gobetween.store import audit, repositories
from gobetween.store import tables as t

__all__ = [
    "answer_text",
    "decide_offer",
    "offers_view",
    "publish_text",
    "redline_view",
    "submit_offer",
    "text_export",
    "text_view",
]

SINGLE_TEXT = "single_text"
RELAY = "relay"


def _members(view: TrackView) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        tuple(str(p) for p in sorted(view.party_ids)),
        tuple(str(m) for m in sorted(view.mediator_ids)),
    )


def _lock(session: Session, track_id: int) -> None:
    """Serialise protocol steps of one track (row lock on PostgreSQL; SQLite writes are serial)."""
    session.execute(select(t.Track.id).where(t.Track.id == track_id).with_for_update())


def single_text_state(session: Session, track: t.Track, view: TrackView) -> st.SingleTextState:
    """The track's single-text state, replayed from its stored events."""
    parties, mediators = _members(view)
    initial = st.SingleTextState.open(track_agenda(track), parties, mediators)
    rows = repositories.protocol_events(session, track.id, SINGLE_TEXT)
    return st.replay(initial, [r.body for r in rows])


def relay_state(session: Session, track: t.Track, view: TrackView) -> relay.RelayState:
    """The track's relay state, replayed from its stored events."""
    parties, mediators = _members(view)
    initial = relay.RelayState.open(track_agenda(track), parties, mediators)
    rows = repositories.protocol_events(session, track.id, RELAY)
    return relay.replay(initial, [r.body for r in rows])


def _store(
    session: Session,
    actor: Actor,
    track: t.Track,
    protocol: str,
    events: Sequence[Any],
    party_of: Mapping[int, int | None],
) -> None:
    start = len(repositories.protocol_events(session, track.id, protocol))
    for i, event in enumerate(events):
        body = event.to_dict()
        row = t.ProtocolEvent(
            track_id=track.id,
            protocol=protocol,
            seq=start + i + 1,
            party_id=party_of.get(i),
            body=body,
            actor_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor_id=actor.user_id,
            action=f"{protocol}.{body['type']}",
            object_type="protocol_event",
            object_id=row.id,
            change=body,
        )


def _package(agenda: Agenda, options: Mapping[str, str]) -> Package:
    try:
        return agenda.package(options)
    except InvalidModel as exc:
        raise exc.located(source="package") from None


def _now() -> dt.datetime:
    return t.utcnow()


def publish_text(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    options: Mapping[str, str],
    clauses: Mapping[str, str],
    note: str = "",
    deadline: dt.datetime | None = None,
    expected_number: int | None = None,
    articles: Sequence[Article] = (),
) -> st.TextVersion:
    """A mediator publishes the next version of the text to every party of the track.

    ``articles`` is the text as articles (see :mod:`gobetween.protocols.single_text_articles`);
    publishing refuses (422, naming each article) empty articles and wording that belongs to
    another option than the chosen one.
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.PUBLISH_TEXT)
    _lock(session, track.id)
    state = single_text_state(session, track, view)
    action = st.PublishText(
        str(view.own_mediator),
        _package(state.agenda, options),
        clauses=dict(clauses),
        note=note,
        deadline=deadline,
        expected_number=expected_number,
        articles=tuple(articles),
    )
    state, events = st.step(state, action, now=_now())
    _store(session, actor, track, SINGLE_TEXT, events, {})
    current = state.current
    assert current is not None
    notify(session, track.id, None, "text", current.number)
    return current


def answer_text(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    version: int,
    kind: st.AnswerKind,
    reasons: Sequence[str] = (),
    amendments: Mapping[str, str] | None = None,
    withdraw: bool = False,
    articles: Sequence[ArticleAnswer] = (),
) -> dict[str, Any]:
    """A party answers (or withdraws its answer to) the current version; returns its view."""
    track, view = repositories.track(session, actor, track_id)
    party = view.own_party
    view.require(Action.ANSWER_TEXT, party)
    assert party is not None
    _lock(session, track.id)
    state = single_text_state(session, track, view)
    action: st.SingleTextAction
    if withdraw:
        action = st.WithdrawAnswer(str(party), version)
    else:
        action = st.Answer(
            str(party), version, kind, tuple(reasons), dict(amendments or {}), tuple(articles)
        )
    state, events = st.step(state, action, now=_now())
    private = {
        i: party for i, e in enumerate(events) if isinstance(e, st.AnswerGiven | st.AnswerWithdrawn)
    }
    _store(session, actor, track, SINGLE_TEXT, events, private)
    notify(session, track.id, party, "answer", version)
    if any(isinstance(e, st.TrackReady) for e in events):
        notify(session, track.id, None, "ready", version)
    return party_view(state, str(party)).to_dict()


def text_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """The single text as the caller may see it (mediators: everything; party: its own view)."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_TEXTS)
    state = single_text_state(session, track, view)
    if view.is_mediator:
        return {"view": "mediator", **mediator_view(state).to_dict()}
    if view.own_party is not None:
        return {"view": "party", **party_view(state, str(view.own_party)).to_dict()}
    public = mediator_view(state)
    return {
        "view": "public",
        "status": public.status.value,
        "versions": [v.to_dict() for v in public.versions],
        "closed_reason": public.closed_reason,
    }


def redline_view(
    session: Session, actor: Actor, track_id: int, old: int, new: int, language: str = "en"
) -> dict[str, Any]:
    """The word-level redline between two published versions, for anyone who reads the text.

    Published versions go to every party alike, so the redline shows nothing one party could not
    see; a version that does not exist answers 404.
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_TEXTS)
    state = single_text_state(session, track, view)
    for number in (old, new):
        if not 1 <= number <= len(state.versions):
            raise NotFound(
                _("no version %(number)s of the text of track %(track_id)s")
                % {"number": number, "track_id": track_id}
            )
    return redline(state.version(old), state.version(new), language).to_dict()


EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _export_title(session: Session, track: t.Track) -> tuple[str, str]:
    process = session.get(t.Process, track.process_id)
    return (process.name if process else "process"), track.name


def text_export(
    session: Session,
    actor: Actor,
    track_id: int,
    fmt: str,
    *,
    version: int | None = None,
    old: int | None = None,
    new: int | None = None,
    language: str = "en",
) -> tuple[bytes, str, str]:
    """A version (with its brackets), or the redline ``old`` -> ``new``, as DOCX or PDF.

    Returns the bytes, the file name (process, track and version) and the media type; anyone
    who reads the text may export it (published versions only).
    """
    if fmt not in EXPORT_TYPES:
        raise NotFound(_("no export as %(fmt)r") % {"fmt": fmt})
    from gobetween.formats import text_export as x  # python-docx and fpdf2 load only when asked

    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_TEXTS)
    process, name = _export_title(session, track)
    title = f"{process} — {name}"
    if version is not None:
        state = single_text_state(session, track, view)
        if not 1 <= version <= len(state.versions):
            raise NotFound(
                _("no version %(number)s of the text of track %(track_id)s")
                % {"number": version, "track_id": track_id}
            )
        body = state.version(version).to_dict()
        data = (x.version_docx if fmt == "docx" else x.version_pdf)(title, body, language)
        return data, x.export_name(process, name, f"v{version}", fmt), EXPORT_TYPES[fmt]
    if old is None or new is None:
        raise NotFound(_("an export needs a version, or two versions for a redline"))
    diff = redline_view(session, actor, track_id, old, new, language)
    data = (x.redline_docx if fmt == "docx" else x.redline_pdf)(title, diff)
    return data, x.export_name(process, name, f"redline v{old}-v{new}", fmt), EXPORT_TYPES[fmt]


def submit_offer(
    session: Session, actor: Actor, track_id: int, *, options: Mapping[str, str], message: str
) -> dict[str, Any]:
    """A party sends an offer to the mediators; returns the party's relay view."""
    track, view = repositories.track(session, actor, track_id)
    party = view.own_party
    view.require(Action.SEND_OFFER, party)
    assert party is not None
    _lock(session, track.id)
    state = relay_state(session, track, view)
    state, events = relay.step(
        state, relay.SubmitOffer(str(party), dict(options), message), now=_now()
    )
    _store(session, actor, track, RELAY, events, dict.fromkeys(range(len(events)), party))
    notify(session, track.id, party, "offer", 0)
    return relay.party_view(state, str(party)).to_dict()


def decide_offer(
    session: Session,
    actor: Actor,
    track_id: int,
    offer: int,
    *,
    forward: bool,
    recipients: Sequence[int] | None = None,
    options: Mapping[str, str] | None = None,
    message: str | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """A mediator forwards (possibly reworded) or declines offer number ``offer``."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.FORWARD_OFFER)
    _lock(session, track.id)
    state = relay_state(session, track, view)
    mediator = str(view.own_mediator)
    action: relay.RelayAction
    if forward:
        to = tuple(str(r) for r in recipients) if recipients is not None else None
        action = relay.ForwardOffer(mediator, offer, to, options, message)
    else:
        action = relay.DeclineOffer(mediator, offer, reason)
    state, events = relay.step(state, action, now=_now())
    _store(session, actor, track, RELAY, events, {})
    sender = int(state.offer(offer).sender)
    notify(session, track.id, sender, "offer_status", 0)
    for event in events:
        if isinstance(event, relay.OfferForwarded):
            for recipient in event.recipients:
                notify(session, track.id, int(recipient), "offer_received", 0)
    return _mediator_relay(state)


def _mediator_relay(state: relay.RelayState) -> dict[str, Any]:
    view = relay.mediator_view(state)
    return {
        "view": "mediator",
        "status": view.status.value,
        "pending": list(view.pending),
        "offers": [
            {
                "number": o.number,
                "party": o.sender,
                "options": dict(o.options),
                "message": o.message,
                "at": o.at.isoformat(),
                "status": o.status.value,
                "decline_reason": o.decline_reason,
            }
            for o in view.offers
        ],
        "forwards": [
            {
                "number": f.number,
                "offer": f.offer,
                "mediator": f.mediator,
                "recipients": list(f.recipients),
                "options": dict(f.options),
                "message": f.message,
                "at": f.at.isoformat(),
            }
            for f in view.forwards
        ],
    }


def offers_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """Relayed offers as the caller may see them: all for mediators, its own view for a party."""
    track, view = repositories.track(session, actor, track_id)
    if not view.seats & {Seat.MEDIATOR, Seat.PARTY}:
        raise NotFound(_("no offers in track %(track_id)s") % {"track_id": track_id})
    state = relay_state(session, track, view)
    if view.is_mediator:
        return _mediator_relay(state)
    assert view.own_party is not None
    return {"view": "party", **relay.party_view(state, str(view.own_party)).to_dict()}
