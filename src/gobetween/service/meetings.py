"""The record of meetings and shuttle rounds: when, where or how, who met whom, summary,
follow-ups.

The mediators of a track record every meeting, call or shuttle visit with one or more of its
parties, and read them all. A party reads only the meetings it took part in: a meeting lists its
parties, and a member of a listed party reads the whole record (a joint meeting is visible to
every party in it, with the names of all of them: they sat at the same table). A shuttle round
in which the mediators saw each party separately is recorded as one meeting per party, so no
party learns from the record whom else the mediators saw. Observers, translators and admins
(who are not also mediators there) read no meetings: 404 as for one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, NotFound, Sentence, ValidationFailed
from gobetween.i18n import _
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import team_tables as tt

__all__ = [
    "MEETING_KINDS",
    "delete_meeting",
    "meeting",
    "meeting_dict",
    "meetings",
    "readable",
    "record_meeting",
    "update_meeting",
    "visible_meetings",
]

#: What a meeting was: in person, a call or video call, a shuttle visit (one party at a time).
MEETING_KINDS = ("meeting", "call", "shuttle")
MAX_TEXT = 20_000
MAX_FOLLOW_UPS = 50
MAX_LISTED = 500


def _clean(value: str, name: str, limit: int, *, required: bool = False) -> str:
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationFailed(_("this field is empty"), location=name, expected=_("some text"))
    if len(value) > limit:
        raise ValidationFailed(
            _("%(count)s characters") % {"count": len(value)},
            location=name,
            expected=_("at most %(num)s characters") % {"num": limit},
        )
    return value


def _follow_ups(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(items) > MAX_FOLLOW_UPS:
        raise ValidationFailed(
            _("%(count)s follow-ups") % {"count": len(items)},
            location="follow_ups",
            expected=_("at most %(limit)s follow-ups") % {"limit": MAX_FOLLOW_UPS},
        )
    out = []
    for i, item in enumerate(items):
        where = f"follow_ups[{i}]"
        text = _clean(str(item.get("text", "")), f"{where}.text", 2000, required=True)
        due = item.get("due")
        if due is not None:
            try:
                due = dt.date.fromisoformat(str(due)).isoformat()
            except ValueError:
                raise ValidationFailed(
                    _("%(value)r is not a date") % {"value": due},
                    location=f"{where}.due",
                    expected=_("a date as YYYY-MM-DD"),
                ) from None
        owner = _clean(str(item.get("owner", "")), f"{where}.owner", 200)
        out.append({"text": text, "owner": owner, "due": due, "done": bool(item.get("done"))})
    return out


def _checked(view: TrackView, fields: dict[str, Any]) -> dict[str, Any]:
    kind = fields.get("kind", "meeting")
    if kind not in MEETING_KINDS:
        raise ValidationFailed(
            _("unknown kind %(kind)r") % {"kind": kind},
            location="kind",
            expected=", ".join(MEETING_KINDS),
        )
    parties = sorted(set(fields.get("party_ids") or []))
    if not parties or not set(parties) <= view.party_ids:
        raise ValidationFailed(
            _("name the parties of this track that took part"),
            location="party_ids",
            expected=_("one or more party organisation ids of the track"),
        )
    held = fields["held_at"]
    if held.tzinfo is None:
        raise ValidationFailed(
            _("the time has no time zone"),
            location="held_at",
            expected=_("an ISO time with offset"),
        )
    return {
        "held_at": held.astimezone(dt.UTC),
        "kind": kind,
        "place": _clean(str(fields.get("place", "")), "place", 300, required=True),
        "attendees": _clean(str(fields.get("attendees", "")), "attendees", 2000),
        "summary": _clean(str(fields.get("summary", "")), "summary", MAX_TEXT),
        "follow_ups": {"items": _follow_ups(fields.get("follow_ups") or [])},
        "party_ids": parties,
    }


def meeting_dict(
    row: tt.Meeting, party_ids: Sequence[int], names: Mapping[int, str]
) -> dict[str, Any]:
    """A meeting as plain JSON data (for callers the policy already allowed); ``names`` maps
    party organisation ids to their names."""
    return {
        "id": row.id,
        "track_id": row.track_id,
        "held_at": row.held_at.isoformat(),
        "kind": row.kind,
        "place": row.place,
        "parties": [{"id": p, "name": names.get(p, "")} for p in party_ids],
        "attendees": row.attendees,
        "summary": row.summary,
        "follow_ups": list(row.follow_ups.get("items", [])),
        "created_at": row.created_at.isoformat(),
    }


def _as_dict(session: Session, row: tt.Meeting, party_ids: Sequence[int]) -> dict[str, Any]:
    return meeting_dict(row, party_ids, repositories.organisation_names(session, party_ids))


def _write_parties(
    session: Session, actor: Actor, row: tt.Meeting, parties: Sequence[int], action: str
) -> dict[str, Any]:
    """Store the meeting's parties, log ``action`` with the record, return the record."""
    session.add_all(tt.MeetingParty(meeting_id=row.id, party_id=p) for p in parties)
    session.flush()
    result = _as_dict(session, row, parties)
    audited(session, actor, action, ("meeting", row.id), result)
    return result


def _parties_of(session: Session, meeting_ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {m: [] for m in meeting_ids}
    if meeting_ids:
        for m, p in session.execute(
            select(tt.MeetingParty.meeting_id, tt.MeetingParty.party_id)
            .where(tt.MeetingParty.meeting_id.in_(meeting_ids))
            .order_by(tt.MeetingParty.party_id)
        ).all():
            out[m].append(p)
    return out


def record_meeting(
    session: Session, actor: Actor, /, track_id: int, **fields: Any
) -> dict[str, Any]:
    """A mediator records a meeting (fields: held_at, kind, place, party_ids, attendees,
    summary, follow_ups)."""
    _track, view = repositories.track(session, actor, track_id)
    view.require(Action.RECORD_MEETINGS)
    values = _checked(view, fields)
    parties = values.pop("party_ids")
    row = tt.Meeting(id=t.random_id(), track_id=track_id, created_by=actor.user_id, **values)
    session.add(row)
    session.flush()
    return _write_parties(session, actor, row, parties, "meeting.record")


def readable(view: TrackView) -> Select[tt.Meeting]:
    """The statement of the track's meetings the view may read, newest first: all of them for
    its mediators, the ones a readable party took part in for anyone else (the one place of
    this rule: the meetings page, the API, the archive and search all start from it)."""
    view.require(Action.READ_PARTY_DATA)
    stmt = select(tt.Meeting).where(tt.Meeting.track_id == view.track_id)
    if not view.is_mediator:
        mine = select(tt.MeetingParty.meeting_id).where(
            tt.MeetingParty.party_id.in_(view.readable_parties or {0})
        )
        stmt = stmt.where(tt.Meeting.id.in_(mine))
    return stmt.order_by(tt.Meeting.held_at.desc(), tt.Meeting.id)


def visible_meetings(session: Session, view: TrackView) -> list[tuple[tt.Meeting, list[int]]]:
    """The track's meetings the view may read (newest first) with their parties."""
    rows = list(session.execute(readable(view).limit(MAX_LISTED)).scalars())
    parties = _parties_of(session, [r.id for r in rows])
    return [(r, parties[r.id]) for r in rows]


def meetings(session: Session, actor: Actor, track_id: int) -> list[dict[str, Any]]:
    """The meetings of a track the actor took part in (all of them for its mediators)."""
    _track, view = repositories.track(session, actor, track_id)
    listed = visible_meetings(session, view)
    names = repositories.organisation_names(
        session, (p for _row, parties in listed for p in parties)
    )
    return [meeting_dict(r, p, names) for r, p in listed]


def _load(
    session: Session, actor: Actor, meeting_id: int
) -> tuple[tt.Meeting, TrackView, list[int]]:
    missing = Sentence(N_("no meeting %(id)s"), {"id": meeting_id})

    def readable(row: tt.Meeting) -> tuple[TrackView, list[int]]:
        parties = _parties_of(session, [row.id])[row.id]
        _track, view = repositories.track(session, actor, row.track_id)
        view.require(Action.READ_PARTY_DATA)
        if not view.is_mediator and not set(parties) & view.readable_parties:
            raise NotFound(missing.template, params=missing.params)
        return view, parties

    row, (view, parties) = repositories.visible(
        session.get(tt.Meeting, meeting_id), missing, readable
    )
    return row, view, parties


def meeting(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    """One meeting the actor may read."""
    row, _, parties = _load(session, actor, meeting_id)
    return _as_dict(session, row, parties)


def update_meeting(
    session: Session, actor: Actor, /, meeting_id: int, **fields: Any
) -> dict[str, Any]:
    """A mediator rewrites a meeting's record (all fields, as for :func:`record_meeting`)."""
    row, view, _parties = _load(session, actor, meeting_id)
    view.require(Action.RECORD_MEETINGS)
    values = _checked(view, fields)
    parties = values.pop("party_ids")
    # a rewrite at the same moment waits here, then replaces the parties this one wrote
    # (instead of inserting its own beside them)
    unique.serialised(session, tt.Meeting, row.id)
    for name, value in values.items():
        setattr(row, name, value)
    for old in session.execute(
        select(tt.MeetingParty).where(tt.MeetingParty.meeting_id == row.id)
    ).scalars():
        session.delete(old)
    session.flush()
    return _write_parties(session, actor, row, parties, "meeting.update")


def delete_meeting(session: Session, actor: Actor, meeting_id: int) -> None:
    """A mediator deletes a meeting's record."""
    row, view, _parties = _load(session, actor, meeting_id)
    view.require(Action.RECORD_MEETINGS)
    session.delete(row)
    session.flush()
    audited(session, actor, "meeting.delete", ("meeting", meeting_id), {})
