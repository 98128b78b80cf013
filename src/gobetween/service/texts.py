"""The single negotiating text and relayed offers, persisted as protocol events.

The rules live in the pure state machines of :mod:`gobetween.protocols.single_text` and
:mod:`gobetween.protocols.relay`; every step goes through the generic
:mod:`gobetween.service.protocol_steps` (replay, policy, decide and apply, the event log with
audit, live updates), so this module only turns requests into the protocols' actions. Protocol
members are named by organisation id (as text). What a caller sees is always one of the
protocols' own views: a party's view for a party member, the mediators' view for a mediator.
Reads load the state the generic way (:func:`~gobetween.service.protocol_steps.load`, with the
policy's read action). Every action here is also done through the generic routes
(``/api/tracks/{id}/protocols/single_text/...``, ``.../relay/...``: each rule declares its
action's dataclass); these functions are the older routes' and pages' aliases over the same
dataclasses and rules, so an action stores the same event by either address. What only lives
here: the redline and the DOCX/PDF exports, reads of published versions, not steps.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from gobetween.errors import GobetweenError, InvalidModel, NotFound
from gobetween.i18n import _
from gobetween.model import Agenda, Package
from gobetween.policy import Action, Actor, Seat, TrackView
from gobetween.protocols import relay
from gobetween.protocols import single_text as st
from gobetween.protocols.single_text_articles import Article, ArticleAnswer
from gobetween.protocols.single_text_redline import redline
from gobetween.protocols.single_text_views import PROTOCOL as SINGLE_TEXT_PROTOCOL
from gobetween.service import protocol_steps as steps
from gobetween.service.names import called
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "answer_text",
    "answering",
    "decide_offer",
    "deciding",
    "offering",
    "offers_view",
    "publish_text",
    "readable_text",
    "redline_view",
    "submit_offer",
    "text_export",
    "text_view",
]

SINGLE_TEXT = SINGLE_TEXT_PROTOCOL.name
RELAY = relay.PROTOCOL.name


def single_text_state(session: Session, track: t.Track, view: TrackView) -> st.SingleTextState:
    """The track's single-text state, replayed from its stored events."""
    return steps.replay(session, track, view, SINGLE_TEXT_PROTOCOL)


def relay_state(session: Session, track: t.Track, view: TrackView) -> relay.RelayState:
    """The track's relay state, replayed from its stored events."""
    return steps.replay(session, track, view, relay.PROTOCOL)


def _package(agenda: Agenda, options: Mapping[str, str]) -> Package:
    try:
        return agenda.package(options)
    except InvalidModel as exc:
        raise exc.located(source="package") from None


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

    def publish(state: st.SingleTextState, view: TrackView) -> st.PublishText:
        return st.PublishText(
            str(view.own_mediator),
            _package(state.agenda, options),
            clauses=dict(clauses),
            note=note,
            deadline=deadline,
            expected_number=expected_number,
            articles=tuple(articles),
        )

    done = steps.step(session, actor, track_id, SINGLE_TEXT_PROTOCOL, st.PUBLISH_TEXT, publish)
    current = done.state.current
    assert current is not None
    return current


def answering(
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
) -> Callable[[], dict[str, Any]]:
    """A party answers (or withdraws its answer to) the current version; returns what makes
    the party's view afterwards: call it after the unit of work (it reads nothing more; the
    view holds every published version, which takes long to draw for a long text, and would
    hold the write lock meanwhile). :func:`answer_text` returns the view itself."""

    def answer(state: st.SingleTextState, view: TrackView) -> st.SingleTextAction:
        party = str(view.own_party)
        if withdraw:
            return st.WithdrawAnswer(party, version)
        return st.Answer(
            party, version, kind, tuple(reasons), dict(amendments or {}), tuple(articles)
        )

    rule = st.WITHDRAW_ANSWER if withdraw else st.ANSWER_TEXT
    done = steps.step(session, actor, track_id, SINGLE_TEXT_PROTOCOL, rule, answer)
    return functools.partial(steps.view_for, SINGLE_TEXT_PROTOCOL, done.state, done.view)


#: :func:`answering`, the party's view drawn at once.
answer_text = steps.now(answering)


def text_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """The single text as the caller may see it (mediators: everything; party: its own view;
    observers and admins: the published versions)."""
    loaded = steps.load(session, actor, track_id, SINGLE_TEXT_PROTOCOL, read=Action.READ_TEXTS)
    return steps.view_for(SINGLE_TEXT_PROTOCOL, loaded.state, loaded.view)


def readable_text(session: Session, actor: Actor, view: TrackView) -> dict[str, Any] | None:
    """:func:`text_view` for a caller whose ``view`` may read the track's texts; ``None`` when
    it may not, or when the track's protocol has no single text (what passes over it: the
    search, the archive)."""
    if not view.allows(Action.READ_TEXTS):
        return None
    try:
        return text_view(session, actor, view.track_id)
    except GobetweenError:  # a track whose protocol has no single text
        return None


def redline_view(
    session: Session, actor: Actor, track_id: int, old: int, new: int, language: str = "en"
) -> dict[str, Any]:
    """The word-level redline between two published versions, for anyone who reads the text.

    Published versions go to every party alike, so the redline shows nothing one party could not
    see; a version that does not exist answers 404.
    """
    state = steps.load(session, actor, track_id, SINGLE_TEXT_PROTOCOL, read=Action.READ_TEXTS).state
    return redline(
        _version(state, old, track_id), _version(state, new, track_id), language
    ).to_dict()


def _version(state: st.SingleTextState, number: int, track_id: int) -> st.TextVersion:
    """Published version ``number``; 404 when there is none."""
    if not 1 <= number <= len(state.versions):
        raise NotFound(
            _("no version %(number)s of the text of track %(track_id)s")
            % {"number": number, "track_id": track_id}
        )
    return state.version(number)


EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _export_title(session: Session, track: t.Track, language: str | None = None) -> tuple[str, str]:
    """The process's and the track's names: as a reader of ``language`` calls them (the
    export's title), or as entered (its file's name)."""
    process = session.get(t.Process, track.process_id)
    if language is not None:
        return (called(process, language) if process else "process"), called(track, language)
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
) -> tuple[Callable[[], bytes], str, str]:
    """A version (with its brackets), or the redline ``old`` -> ``new``, as DOCX or PDF.

    Returns what makes the bytes (call it after the unit of work: it reads nothing more, and a
    long text's PDF takes seconds), the file name (process, track and version) and the media
    type; anyone who reads the text may export it (published versions only).
    """
    if fmt not in EXPORT_TYPES:
        raise NotFound(_("no export as %(fmt)r") % {"fmt": fmt})
    from gobetween.formats import text_export as x  # python-docx and fpdf2 load only when asked

    loaded = steps.load(session, actor, track_id, SINGLE_TEXT_PROTOCOL, read=Action.READ_TEXTS)
    process, name = _export_title(session, loaded.track)
    title = " — ".join(_export_title(session, loaded.track, language))
    names = {issue.name: issue.called(language) for issue in loaded.state.agenda.issues}
    if version is not None:
        body = {**_version(loaded.state, version, track_id).to_dict(), "issue_names": names}
        write_version = x.version_docx if fmt == "docx" else x.version_pdf
        return (
            lambda: write_version(title, body, language),
            x.export_name(process, name, f"v{version}", fmt),
            EXPORT_TYPES[fmt],
        )
    if old is None or new is None:
        raise NotFound(_("an export needs a version, or two versions for a redline"))
    diff = {**redline_view(session, actor, track_id, old, new, language), "issue_names": names}
    write_redline = x.redline_docx if fmt == "docx" else x.redline_pdf
    return (
        lambda: write_redline(title, diff),
        x.export_name(process, name, f"redline v{old}-v{new}", fmt),
        EXPORT_TYPES[fmt],
    )


def offering(
    session: Session, actor: Actor, track_id: int, *, options: Mapping[str, str], message: str
) -> Callable[[], dict[str, Any]]:
    """A party sends an offer to the mediators; returns what makes the party's relay view
    afterwards (call it after the unit of work); :func:`submit_offer` returns the view."""
    done = steps.step(
        session,
        actor,
        track_id,
        relay.PROTOCOL,
        relay.SEND_OFFER,
        lambda state, view: relay.SubmitOffer(str(view.own_party), dict(options), message),
    )
    return functools.partial(steps.view_for, relay.PROTOCOL, done.state, done.view)


def deciding(
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
) -> Callable[[], dict[str, Any]]:
    """A mediator forwards (possibly reworded) or declines offer number ``offer``; returns what
    makes the mediators' relay view afterwards (every offer: call it after the unit of work);
    :func:`decide_offer` returns the view."""

    def decide(state: relay.RelayState, view: TrackView) -> relay.RelayAction:
        mediator = str(view.own_mediator)
        if forward:
            to = tuple(str(r) for r in recipients) if recipients is not None else None
            return relay.ForwardOffer(mediator, offer, to, options, message)
        return relay.DeclineOffer(mediator, offer, reason)

    rule = relay.FORWARD_OFFER if forward else relay.DECLINE_OFFER
    done = steps.step(session, actor, track_id, relay.PROTOCOL, rule, decide)
    return functools.partial(steps.view_for, relay.PROTOCOL, done.state, done.view)


#: :func:`offering` and :func:`deciding`, the caller's view drawn at once.
submit_offer = steps.now(offering)
decide_offer = steps.now(deciding)


def offers_view(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """Relayed offers as the caller may see them: all for mediators, its own view for a party
    (404 for anyone else, as for a track without offers)."""
    track, view = repositories.track(session, actor, track_id)
    if not view.seats & {Seat.MEDIATOR, Seat.PARTY}:
        raise NotFound(_("no offers in track %(track_id)s") % {"track_id": track_id})
    return steps.view_for(relay.PROTOCOL, relay_state(session, track, view), view)
