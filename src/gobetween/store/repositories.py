"""Scoped reads: every function takes the acting user and asks :mod:`gobetween.policy`.

Nothing here returns a row the actor may not see; a row outside the actor's view is reported as
:class:`~gobetween.errors.NotFound`, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from gobetween.errors import N_, NotFound, Sentence
from gobetween.model import OrganisationKind, Role
from gobetween.policy import Action, Actor, Membership, ProcessView, TrackView, process_view
from gobetween.policy import track_view as policy_track_view
from gobetween.store import tables as t
from gobetween.store.messages import ChannelRow

__all__ = [
    "actor_from_rows",
    "attachment",
    "channel",
    "channel_view",
    "channels",
    "like_pattern",
    "load_actor",
    "messages",
    "organisation_names",
    "organisations",
    "organisations_by_id",
    "preference_history",
    "process",
    "processes",
    "track",
    "tracks",
    "visible",
]

R = TypeVar("R")
V = TypeVar("V")


def visible(row: R | None, missing: Sentence, check: Callable[[R], V]) -> tuple[R, V]:
    """``row`` and what ``check(row)`` gives when the row exists and ``check`` lets the actor see
    it (it raises :class:`NotFound` otherwise); else a :class:`NotFound` that says ``missing``
    (a marked template and its values, said in the reader's language by the command line), the
    same refusal for a row hidden from the actor as for one that does not exist, so none tells
    that it exists.

    >>> visible(None, Sentence(N_("no note %(id)s"), {"id": 7}), str)
    Traceback (most recent call last):
    ...
    gobetween.errors.NotFound: no note 7
    """
    if row is None:
        raise NotFound(missing.template, params=missing.params)
    try:
        return row, check(row)
    except NotFound:
        raise NotFound(missing.template, params=missing.params) from None


def load_actor(session: Session, user_id: int) -> Actor:
    """The user's :class:`~gobetween.policy.Actor` with every membership."""
    rows = session.execute(
        select(t.Membership.process_id, t.Membership.role, t.Membership.organisation_id).where(
            t.Membership.user_id == user_id
        )
    ).all()
    return actor_from_rows(user_id, [(p, r, o) for p, r, o in rows])


def actor_from_rows(
    user_id: int, rows: Sequence[tuple[int | None, str | None, int | None]]
) -> Actor:
    """An :class:`~gobetween.policy.Actor` from (process, role, organisation) rows.

    Rows whose process is ``None`` (an outer join that found no membership) are skipped.

    >>> actor_from_rows(7, [(1, "mediator", 20), (None, None, None)]).process_ids()
    frozenset({1})
    """
    return Actor(
        user_id,
        tuple(Membership(p, Role(r), o) for p, r, o in rows if p is not None and r is not None),
    )


def processes(session: Session, actor: Actor) -> Sequence[t.Process]:
    """The processes the actor belongs to."""
    ids = actor.process_ids()
    if not ids:
        return []
    stmt = select(t.Process).where(t.Process.id.in_(ids)).order_by(t.Process.id)
    return session.execute(stmt).scalars().all()


def process(session: Session, actor: Actor, process_id: int) -> tuple[t.Process, ProcessView]:
    """One process and the actor's view of it."""
    view = process_view(actor, process_id)
    row = session.get(t.Process, process_id)
    if row is None:
        raise NotFound(N_("no process %(process_id)s"), params={"process_id": process_id})
    return row, view


def organisations(session: Session, actor: Actor, process_id: int) -> Sequence[t.Organisation]:
    """The organisations of a process (their names and kinds are known to every member)."""
    process_view(actor, process_id)
    stmt = select(t.Organisation).where(t.Organisation.process_id == process_id)
    return session.execute(stmt.order_by(t.Organisation.id)).scalars().all()


def organisation_names(session: Session, organisation_ids: Iterable[int]) -> dict[int, str]:
    """Organisation id -> name of each of ``organisation_ids`` that exists (no actor: the caller
    took the ids from a view it holds; names are known to every member of the process)."""
    wanted = set(organisation_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(t.Organisation.id, t.Organisation.name).where(t.Organisation.id.in_(wanted))
    )
    return {int(org): str(name) for org, name in rows.all()}


def organisations_by_id(
    session: Session, organisation_ids: Iterable[int]
) -> dict[int, t.Organisation]:
    """Organisation id -> row of each of ``organisation_ids`` that exists (no actor, as
    :func:`organisation_names`: for their names in the reader's language)."""
    wanted = set(organisation_ids)
    if not wanted:
        return {}
    rows = session.execute(select(t.Organisation).where(t.Organisation.id.in_(wanted)))
    return {row.id: row for row in rows.scalars()}


def participants(session: Session, track_id: int) -> dict[int, OrganisationKind]:
    """Organisation id -> kind of every organisation taking part in a track."""
    rows = session.execute(
        select(t.Organisation.id, t.Organisation.kind)
        .join(t.TrackOrganisation, t.TrackOrganisation.organisation_id == t.Organisation.id)
        .where(t.TrackOrganisation.track_id == track_id)
    ).all()
    return {org: OrganisationKind(kind) for org, kind in rows}


def _track_seats(
    rows: Sequence[tuple[int, int | None, str | None]],
) -> tuple[int, dict[int, OrganisationKind]]:
    """(process id, participants) from rows of (process id, organisation id, kind)."""
    participants = {
        org: OrganisationKind(kind) for _, org, kind in rows if org is not None and kind is not None
    }
    return rows[0][0], participants


def texts_published(session: Session, track_id: int) -> bool:
    """Whether a text version of the track has been published (its public ``text`` notice)."""
    published = session.execute(
        select(func.count())
        .select_from(t.Notification)
        .where(
            t.Notification.track_id == track_id,
            t.Notification.party_id.is_(None),
            t.Notification.kind == "text",
        )
    ).scalar_one()
    return bool(published)


def track(session: Session, actor: Actor, track_id: int) -> tuple[t.Track, TrackView]:
    """One track and the actor's view of it (:class:`NotFound` without a seat in it).

    One query: the track with its organisations (outer-joined, so a track without any is
    still found).
    """
    rows = session.execute(
        select(t.Track, t.Organisation.id, t.Organisation.kind)
        .outerjoin(t.TrackOrganisation, t.TrackOrganisation.track_id == t.Track.id)
        .outerjoin(t.Organisation, t.Organisation.id == t.TrackOrganisation.organisation_id)
        .where(t.Track.id == track_id)
    ).all()
    if not rows or rows[0][0].process_id not in actor.process_ids():
        raise NotFound(N_("no track %(track_id)s"), params={"track_id": track_id})
    row = rows[0][0]
    _, seats = _track_seats([(row.process_id, org, kind) for _, org, kind in rows])
    view = policy_track_view(actor, process_id=row.process_id, track_id=row.id, participants=seats)
    return row, view


def tracks(session: Session, actor: Actor, process_id: int) -> list[tuple[t.Track, TrackView]]:
    """The tracks of a process in which the actor has a seat."""
    process_view(actor, process_id)
    rows = session.execute(
        select(t.Track).where(t.Track.process_id == process_id).order_by(t.Track.id)
    ).scalars()
    result = []
    for row in rows:
        try:
            view = policy_track_view(
                actor,
                process_id=process_id,
                track_id=row.id,
                participants=participants(session, row.id),
            )
        except NotFound:
            continue
        result.append((row, view))
    return result


def channels(session: Session, view: TrackView) -> Sequence[t.Channel]:
    """The channels of a track whose party the actor may read."""
    readable = view.readable_parties
    if not readable:
        return []
    stmt = (
        select(t.Channel)
        .where(t.Channel.track_id == view.track_id, t.Channel.party_id.in_(readable))
        .order_by(t.Channel.id)
    )
    return session.execute(stmt).scalars().all()


def _no_channel(channel_id: int) -> NotFound:
    return NotFound(N_("no channel %(channel_id)s"), params={"channel_id": channel_id})


def channel_view(actor: Actor, channel_id: int, rows: Sequence[ChannelRow]) -> TrackView:
    """The actor's view of the track of a channel they may read, from its rows
    (:func:`gobetween.store.messages.channel_query`: one per organisation of the track).

    :class:`NotFound` (worded as for a channel that does not exist) unless the actor has a seat
    in the track and may read the channel's party's data.
    """
    if not rows or rows[0].process_id not in actor.process_ids():
        raise _no_channel(channel_id)
    track_id, party_id = rows[0].track_id, rows[0].party_id
    process_id, seats = _track_seats(
        [(r.process_id, r.organisation_id, r.organisation_kind) for r in rows]
    )
    try:
        view = policy_track_view(
            actor, process_id=process_id, track_id=track_id, participants=seats
        )
    except NotFound:
        raise _no_channel(channel_id) from None
    if not view.may_read_party(party_id):
        raise _no_channel(channel_id)
    return view


def channel(session: Session, actor: Actor, channel_id: int) -> tuple[t.Channel, TrackView]:
    """One channel, if the actor may read its party's data (decided by :func:`channel_view`).

    One query: the channel, its track's process and the track's organisations.
    """
    rows = session.execute(
        select(t.Channel, t.Track.process_id, t.Organisation.id, t.Organisation.kind)
        .join(t.Track, t.Track.id == t.Channel.track_id)
        .outerjoin(t.TrackOrganisation, t.TrackOrganisation.track_id == t.Track.id)
        .outerjoin(t.Organisation, t.Organisation.id == t.TrackOrganisation.organisation_id)
        .where(t.Channel.id == channel_id)
    ).all()
    view = channel_view(
        actor, channel_id, [ChannelRow(c.track_id, c.party_id, p, o, k) for c, p, o, k in rows]
    )
    return rows[0][0], view


def _visible_messages(view: TrackView) -> Select[t.Message]:
    return (
        select(t.Message)
        .join(t.Channel, t.Channel.id == t.Message.channel_id)
        .where(t.Channel.track_id == view.track_id, t.Channel.party_id.in_(view.readable_parties))
    )


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` anywhere (its wildcards escaped).

    >>> like_pattern("50%_off")
    '%50\\\\%\\\\_off%'
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def messages(
    session: Session, view: TrackView, *, query: str | None = None, limit: int = 100
) -> Sequence[t.Message]:
    """Messages the actor may read in a track (oldest first), those matching ``query``.

    (One channel's messages are read by :func:`gobetween.service.negotiate.channel_messages`.)
    """
    stmt = _visible_messages(view).order_by(t.Message.created_at, t.Message.id)
    if query:
        stmt = stmt.where(t.Message.text.ilike(like_pattern(query), escape="\\"))
    return session.execute(stmt.limit(limit)).scalars().all()


def message(session: Session, actor: Actor, message_id: int) -> tuple[t.Message, TrackView]:
    """One message the actor may read."""
    return visible(
        session.get(t.Message, message_id),
        Sentence(N_("no message %(message_id)s"), {"message_id": message_id}),
        lambda row: channel(session, actor, row.channel_id)[1],
    )


def unread_count(session: Session, actor: Actor, view: TrackView, channel_id: int) -> int:
    """How many messages of a readable channel the actor has not marked read."""
    read = select(t.ReadReceipt.message_id).where(t.ReadReceipt.user_id == actor.user_id)
    stmt = (
        select(func.count())
        .select_from(t.Message)
        .join(t.Channel, t.Channel.id == t.Message.channel_id)
        .where(
            t.Message.channel_id == channel_id,
            t.Channel.party_id.in_(view.readable_parties),
            t.Message.id.not_in(read),
        )
    )
    return int(session.execute(stmt).scalar_one())


def receipts(session: Session, message_ids: Sequence[int]) -> dict[int, list[int]]:
    """Message id -> ids of the users who marked it read (for messages already scoped)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(t.ReadReceipt.message_id, t.ReadReceipt.user_id)
        .where(t.ReadReceipt.message_id.in_(message_ids))
        .order_by(t.ReadReceipt.user_id)
    ).all()
    out: dict[int, list[int]] = {m: [] for m in message_ids}
    for m, u in rows:
        out[m].append(u)
    return out


def attachments_of(session: Session, message_ids: Sequence[int]) -> dict[int, list[t.Attachment]]:
    """Message id -> its attachments (for messages already scoped)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(t.Attachment)
        .where(t.Attachment.message_id.in_(message_ids))
        .order_by(t.Attachment.id)
    ).scalars()
    out: dict[int, list[t.Attachment]] = {m: [] for m in message_ids}
    for row in rows:
        out[row.message_id].append(row)
    return out


def attachment(session: Session, actor: Actor, attachment_id: int) -> t.Attachment:
    """One attachment of a message the actor may read."""
    row, _seen = visible(
        session.get(t.Attachment, attachment_id),
        Sentence(N_("no attachment %(attachment_id)s"), {"attachment_id": attachment_id}),
        lambda row: message(session, actor, row.message_id),
    )
    return row


def current_preferences(session: Session, view: TrackView) -> list[t.PreferenceVersion]:
    """The newest preferences version of every party whose data the actor may read."""
    readable = view.readable_parties
    if not readable:
        return []
    newest = (
        select(t.PreferenceVersion.party_id, func.max(t.PreferenceVersion.version).label("v"))
        .where(
            t.PreferenceVersion.track_id == view.track_id,
            t.PreferenceVersion.party_id.in_(readable),
        )
        .group_by(t.PreferenceVersion.party_id)
        .subquery()
    )
    stmt = (
        select(t.PreferenceVersion)
        .join(
            newest,
            (newest.c.party_id == t.PreferenceVersion.party_id)
            & (newest.c.v == t.PreferenceVersion.version),
        )
        .where(t.PreferenceVersion.track_id == view.track_id)
        .order_by(t.PreferenceVersion.party_id)
    )
    return list(session.execute(stmt).scalars().all())


def preference_history(
    session: Session, view: TrackView, party_id: int
) -> Sequence[t.PreferenceVersion]:
    """Every version of one party's preferences, oldest first (the party must be readable)."""
    view.require(Action.READ_PARTY_DATA, party_id)
    stmt = (
        select(t.PreferenceVersion)
        .where(
            t.PreferenceVersion.track_id == view.track_id, t.PreferenceVersion.party_id == party_id
        )
        .order_by(t.PreferenceVersion.version)
    )
    return session.execute(stmt).scalars().all()


def protocol_events(session: Session, track_id: int, protocol: str) -> Sequence[t.ProtocolEvent]:
    """Every stored event of a track's protocol, in order (unscoped: for replay only).

    Callers show events only through the protocol's per-party views, which the policy scopes.
    """
    stmt = (
        select(t.ProtocolEvent)
        .where(t.ProtocolEvent.track_id == track_id, t.ProtocolEvent.protocol == protocol)
        .order_by(t.ProtocolEvent.seq)
    )
    return session.execute(stmt).scalars().all()


def notifications(
    session: Session, view: TrackView, cursor: Mapping[int, int], *, limit: int = 200
) -> Sequence[t.Notification]:
    """Live-update events of a track the actor may see, after ``cursor``.

    ``cursor`` maps a scope (0: the track's public events; a party id: that party's) to the
    last number seen; scopes the actor may not read are ignored. Events come in commit order.

    Each scope is read through its own index range (``ix_notifications_scope_number``) and the
    ranges merged: one query over the track's rows filtered by scope walked every event of the
    track, other parties' private ones included, so its time grew with their activity.
    """
    parts = []
    for scope in [None, *sorted(view.readable_parties)]:
        which = (
            t.Notification.party_id.is_(None) if scope is None else t.Notification.party_id == scope
        )
        part = (
            select(t.Notification.id)
            .where(
                t.Notification.track_id == view.track_id,
                which,
                t.Notification.number > cursor.get(scope or 0, 0),
            )
            .order_by(t.Notification.number)
            .limit(limit)
            .subquery()
        )
        parts.append(select(part.c.id))
    ids = union_all(*parts).subquery()
    stmt = (
        select(t.Notification)
        .where(t.Notification.id.in_(select(ids.c.id)))
        .order_by(t.Notification.id)
        .limit(limit)
    )
    return session.execute(stmt).scalars().all()


def cursor_at(session: Session, view: TrackView) -> dict[int, int]:
    """The stream cursor (scope -> last number) of the events up to the newest.

    Only scopes the actor may read appear (0: the public scope). There is deliberately no way
    to ask for the cursor at a global notification id: stepping such an id would count other
    parties' private events.
    """
    scopes: list[int | None] = [None, *sorted(view.readable_parties)]
    cursor: dict[int, int] = {}
    for scope in scopes:
        clause = (
            t.Notification.party_id.is_(None) if scope is None else t.Notification.party_id == scope
        )
        stmt = select(func.max(t.Notification.number)).where(
            t.Notification.track_id == view.track_id, clause
        )
        last = session.execute(stmt).scalar_one()
        if last:
            cursor[scope or 0] = int(last)
    return cursor
