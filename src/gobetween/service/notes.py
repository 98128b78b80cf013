"""The mediators' private notes (per track and per channel) and who handles which channel.

Notes belong to the mediating team of a track: every mediator seated in the track reads and
writes them; parties, observers, translators and admins (who are not also mediators there) get
:class:`~gobetween.errors.NotFound` for every note and every notes address, exactly as for a
track without notes. The decision is :data:`gobetween.policy.Action.TEAM_NOTES`.

An *assignment* says which mediator (a user of a mediating organisation of the track) handles a
party's channel; several mediators may share one channel. Assignments are the team's business
too (same rule); the console shows them beside each channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, NotFound, Sentence, ValidationFailed
from gobetween.i18n import _
from gobetween.model import Role
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import team_tables as tt

__all__ = [
    "MAX_NOTE",
    "add_note",
    "assign",
    "assignments",
    "delete_note",
    "edit_note",
    "notes",
    "team_mediators",
    "unassign",
]

#: The longest note, in characters.
MAX_NOTE = 20_000
#: The most notes one listing returns (newest first).
MAX_LISTED = 500


def _team_track(session: Session, actor: Actor, track_id: int) -> tuple[t.Track, TrackView]:
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.TEAM_NOTES)
    return track, view


def _channel_of(session: Session, view: TrackView, channel_id: int) -> t.Channel:
    channel = session.get(t.Channel, channel_id)
    if channel is None or channel.track_id != view.track_id:
        raise NotFound(_("no channel %(id)s in this track") % {"id": channel_id})
    return channel


def _text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(_("the note is empty"), location="text", expected=_("some text"))
    if len(text) > MAX_NOTE:
        raise ValidationFailed(
            _("the note has %(count)s characters") % {"count": len(text)},
            location="text",
            expected=_("at most %(num)s characters") % {"num": MAX_NOTE},
        )
    return text


def note_dict(session: Session, row: tt.Note) -> dict[str, Any]:
    """A note as plain JSON data (for callers the policy already allowed)."""
    author = session.get(t.User, row.author_id) if row.author_id else None
    return {
        "id": row.id,
        "track_id": row.track_id,
        "channel_id": row.channel_id,
        "party_id": row.party_id,
        "author_id": row.author_id,
        "author": author.name if author else None,
        "text": row.text,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def add_note(
    session: Session, actor: Actor, track_id: int, text: str, *, channel_id: int | None = None
) -> dict[str, Any]:
    """A mediator writes a note on the track (``channel_id`` ``None``) or on one channel."""
    _track, view = _team_track(session, actor, track_id)
    party_id = _channel_of(session, view, channel_id).party_id if channel_id else None
    row = tt.Note(
        id=t.random_id(),
        track_id=track_id,
        channel_id=channel_id,
        party_id=party_id,
        author_id=actor.user_id,
        text=_text(text),
    )
    session.add(row)
    session.flush()
    audited(
        session,
        actor,
        "note.add",
        ("note", row.id),
        {"track": track_id, "channel": channel_id, "text": row.text},
    )
    return note_dict(session, row)


def _note(session: Session, actor: Actor, note_id: int) -> tt.Note:
    row, _seen = repositories.visible(
        session.get(tt.Note, note_id),
        Sentence(N_("no note %(id)s"), {"id": note_id}),
        lambda row: _team_track(session, actor, row.track_id),
    )
    return row


def edit_note(session: Session, actor: Actor, note_id: int, text: str) -> dict[str, Any]:
    """A mediator of the track rewrites a note (the audit chain keeps every version's digest)."""
    row = _note(session, actor, note_id)
    row.text = _text(text)
    row.updated_at = t.utcnow()
    session.flush()
    audited(session, actor, "note.edit", ("note", row.id), {"text": row.text})
    return note_dict(session, row)


def delete_note(session: Session, actor: Actor, note_id: int) -> None:
    """A mediator of the track deletes a note."""
    row = _note(session, actor, note_id)
    session.delete(row)
    session.flush()
    audited(session, actor, "note.delete", ("note", note_id), {})


def notes(
    session: Session, actor: Actor, track_id: int, *, channel_id: int | None = None
) -> list[dict[str, Any]]:
    """The track's notes, newest first (only one channel's when ``channel_id`` is given)."""
    _track, view = _team_track(session, actor, track_id)
    stmt = select(tt.Note).where(tt.Note.track_id == track_id)
    if channel_id is not None:
        _channel_of(session, view, channel_id)
        stmt = stmt.where(tt.Note.channel_id == channel_id)
    rows = session.execute(
        stmt.order_by(tt.Note.created_at.desc(), tt.Note.id).limit(MAX_LISTED)
    ).scalars()
    return [note_dict(session, r) for r in rows]


# -- assignments ---------------------------------------------------------------------------------


def team_mediators(session: Session, view: TrackView) -> list[tuple[int, str]]:
    """(user id, name) of every mediator seated in the track (members of its mediating
    organisations with the mediator role), by name."""
    if not view.mediator_ids:
        return []
    rows = session.execute(
        select(t.User.id, t.User.name)
        .join(t.Membership, t.Membership.user_id == t.User.id)
        .where(
            t.Membership.process_id == view.process_id,
            t.Membership.role == Role.MEDIATOR.value,
            t.Membership.organisation_id.in_(view.mediator_ids),
        )
        .order_by(t.User.name, t.User.id)
    ).all()
    return [(int(u), str(n)) for u, n in dict.fromkeys(rows)]


def assignments(session: Session, actor: Actor, track_id: int) -> list[dict[str, Any]]:
    """Each channel of the track with the mediators who handle it."""
    _track, view = _team_track(session, actor, track_id)
    return _assignment_rows(session, view)


def _assignment_rows(session: Session, view: TrackView) -> list[dict[str, Any]]:
    names = dict(team_mediators(session, view))
    channels: Sequence[t.Channel] = repositories.channels(session, view)
    rows = session.execute(
        select(tt.Assignment.channel_id, tt.Assignment.user_id)
        .where(tt.Assignment.channel_id.in_([c.id for c in channels] or [0]))
        .order_by(tt.Assignment.assigned_at, tt.Assignment.user_id)
    ).all()
    by_channel: dict[int, list[dict[str, Any]]] = {c.id: [] for c in channels}
    for channel_id, user_id in rows:
        by_channel[channel_id].append({"user_id": user_id, "name": names.get(user_id, "")})
    return [
        {"channel_id": c.id, "party_id": c.party_id, "mediators": by_channel[c.id]}
        for c in channels
    ]


def assign(
    session: Session, actor: Actor, track_id: int, channel_id: int, user_id: int
) -> list[dict[str, Any]]:
    """Give ``channel_id`` to mediator ``user_id`` (who must mediate the track)."""
    _track, view = _team_track(session, actor, track_id)
    _channel_of(session, view, channel_id)
    if user_id not in dict(team_mediators(session, view)):
        raise ValidationFailed(
            _("user %(id)s does not mediate this track") % {"id": user_id},
            location="user_id",
            expected=_("a mediator of the track"),
        )
    _row, made = unique.get_or_add(
        session,
        tt.Assignment,
        (channel_id, user_id),
        lambda: tt.Assignment(channel_id=channel_id, user_id=user_id, assigned_by=actor.user_id),
    )
    if made:  # else given before, or by another request at the same moment
        audited(session, actor, "channel.assign", ("channel", channel_id), {"mediator": user_id})
    return _assignment_rows(session, view)


def unassign(
    session: Session, actor: Actor, track_id: int, channel_id: int, user_id: int
) -> list[dict[str, Any]]:
    """Take ``channel_id`` from mediator ``user_id``."""
    _track, view = _team_track(session, actor, track_id)
    _channel_of(session, view, channel_id)
    done = session.execute(
        delete(tt.Assignment).where(
            tt.Assignment.channel_id == channel_id, tt.Assignment.user_id == user_id
        )
    )
    if getattr(done, "rowcount", 0):
        audited(session, actor, "channel.unassign", ("channel", channel_id), {"mediator": user_id})
    return _assignment_rows(session, view)
