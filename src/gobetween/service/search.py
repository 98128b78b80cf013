"""Search over everything the caller may read: messages, mediators' notes, texts, meetings.

Scoped by the policy before anything is matched: each track the caller has a seat in is opened
through :func:`gobetween.store.repositories.track`; its messages are searched only in the
channels of :attr:`~gobetween.policy.TrackView.readable_parties` (the SQL ``WHERE`` names them),
notes only when :data:`~gobetween.policy.Action.TEAM_NOTES` allows, meetings only among those
the caller took part in (:func:`gobetween.service.meetings.readable`), texts through the
caller's own view of the single text (:func:`gobetween.service.texts.text_view`). So the hits,
their number and the work done depend only on rows the caller may read.

Bounded: the query is 2 to :data:`MAX_QUERY` characters; at most :data:`MAX_RESULTS` hits are
returned (``truncated`` says when there were more); each source reads at most that many rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gobetween.errors import ValidationFailed
from gobetween.i18n import _
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import meetings
from gobetween.service.names import called
from gobetween.service.texts import readable_text
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import team_tables as tt
from gobetween.store.repositories import like_pattern

__all__ = ["MAX_QUERY", "MAX_RESULTS", "SEARCH_KINDS", "search", "snippet"]

MAX_QUERY = 200
MAX_RESULTS = 100
#: What can be searched, in the order results of equal time are listed.
SEARCH_KINDS = ("message", "note", "text", "meeting")


def snippet(text: str, query: str, width: int = 160) -> str:
    """The part of ``text`` around the first match of ``query`` (case-insensitive).

    >>> snippet("The ports of Odesa, Chornomorsk and Yuzhny", "chorno", width=20)
    '…Odesa, Chornomorsk…'
    """
    flat = " ".join(text.split())
    at = flat.casefold().find(query.casefold())
    if at < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, at - (width - len(query)) // 2)
    end = min(len(flat), start + width)
    out = flat[start:end]
    if start > 0 and flat[start - 1] != " " and " " in out:  # do not show half a word
        out = out[out.index(" ") + 1 :]
    if end < len(flat) and flat[end] != " " and " " in out:
        out = out[: out.rindex(" ")]
    out = out.strip(" ,;")
    return ("…" if start > 0 else "") + out + ("…" if end < len(flat) else "")


def _query(text: str) -> str:
    query = " ".join(text.split())
    if not 2 <= len(query) <= MAX_QUERY:
        raise ValidationFailed(
            _("the search has %(count)s characters") % {"count": len(query)},
            location="q",
            expected=_("2 to %(most)s characters") % {"most": MAX_QUERY},
        )
    return query


def _hit(
    kind: str, view: TrackView, track: t.Track, found: dict[str, Any], excerpt: str, url: str
) -> dict[str, Any]:
    """A hit in ``track``: what was ``found`` (its id, its party where it has one, when), the
    ``excerpt`` of its text around the query (its snippet) and its ``url``."""
    head = {"kind": kind, "track_id": view.track_id, "track": called(track)}
    return {**head, **found, "snippet": excerpt, "url": url}


def _messages(session: Session, view: TrackView, track: t.Track, q: str, n: int) -> Iterator[Any]:
    if not view.readable_parties:
        return
    rows = session.execute(
        select(t.Message, t.Channel.party_id)
        .join(t.Channel, t.Channel.id == t.Message.channel_id)
        .where(
            t.Channel.track_id == view.track_id,
            t.Channel.party_id.in_(view.readable_parties),
            t.Message.text.ilike(like_pattern(q), escape="\\"),
        )
        .order_by(t.Message.created_at.desc(), t.Message.id)
        .limit(n)
    ).all()
    for message, party_id in rows:
        found = {"id": message.id, "party_id": party_id, "at": message.created_at}
        url = f"/channels/{message.channel_id}#m{message.number}"
        yield _hit("message", view, track, found, snippet(message.text, q), url)


def _notes(session: Session, view: TrackView, track: t.Track, q: str, n: int) -> Iterator[Any]:
    if not view.allows(Action.TEAM_NOTES):
        return
    rows = session.execute(
        select(tt.Note)
        .where(tt.Note.track_id == view.track_id, tt.Note.text.ilike(like_pattern(q), escape="\\"))
        .order_by(tt.Note.created_at.desc(), tt.Note.id)
        .limit(n)
    ).scalars()
    for note in rows:
        found = {"id": note.id, "party_id": note.party_id, "at": note.created_at}
        url = f"/tracks/{view.track_id}/notes#note-{note.id}"
        yield _hit("note", view, track, found, snippet(note.text, q), url)


def _meetings(session: Session, view: TrackView, track: t.Track, q: str, n: int) -> Iterator[Any]:
    if not view.allows(Action.READ_PARTY_DATA):
        return
    pattern = like_pattern(q)
    fields = (tt.Meeting.summary, tt.Meeting.place, tt.Meeting.attendees)
    stmt = meetings.readable(view).where(or_(*(f.ilike(pattern, escape="\\") for f in fields)))
    rows = session.execute(stmt.limit(n)).scalars()
    for row in rows:
        text = "\n".join((row.place, row.attendees, row.summary))
        url = f"/tracks/{view.track_id}/meetings#meeting-{row.id}"
        found = {"id": row.id, "at": row.held_at}
        yield _hit("meeting", view, track, found, snippet(text, q), url)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _texts(
    session: Session, actor: Actor, view: TrackView, track: t.Track, q: str
) -> Iterator[Any]:
    seen = readable_text(session, actor, view)
    if seen is None:
        return
    folded = q.casefold()
    for version in seen.get("versions", []):
        body = "\n".join(s for s in _strings(version) if folded in s.casefold())
        if body:
            published = version.get("published_at")
            at = dt.datetime.fromisoformat(published) if published else None
            url = f"/tracks/{view.track_id}/text#v{version.get('number')}"
            found = {"id": version.get("number"), "at": at}
            yield _hit("text", view, track, found, snippet(body, q), url)


def _views(session: Session, actor: Actor, track_id: int | None) -> list[tuple[t.Track, TrackView]]:
    if track_id is not None:
        return [repositories.track(session, actor, track_id)]
    out = []
    for process in repositories.processes(session, actor):
        out.extend(repositories.tracks(session, actor, process.id))
    return out


def search(
    session: Session,
    actor: Actor,
    text: str,
    *,
    track_id: int | None = None,
    kinds: tuple[str, ...] = SEARCH_KINDS,
    limit: int = 50,
) -> dict[str, Any]:
    """The newest hits of ``text`` the actor may read, in every track of theirs (or one)."""
    q = _query(text)
    if not 1 <= limit <= MAX_RESULTS:
        raise ValidationFailed(
            _("limit %(limit)s") % {"limit": limit},
            location="limit",
            expected=_("1 to %(most)s") % {"most": MAX_RESULTS},
        )
    unknown = sorted(set(kinds) - set(SEARCH_KINDS))
    if unknown:
        raise ValidationFailed(
            _("unknown kinds %(kinds)s") % {"kinds": unknown},
            location="kinds",
            expected=", ".join(SEARCH_KINDS),
        )
    hits: list[dict[str, Any]] = []
    for track, view in _views(session, actor, track_id):
        if "message" in kinds:
            hits.extend(_messages(session, view, track, q, limit + 1))
        if "note" in kinds:
            hits.extend(_notes(session, view, track, q, limit + 1))
        if "text" in kinds:
            hits.extend(_texts(session, actor, view, track, q))
        if "meeting" in kinds:
            hits.extend(_meetings(session, view, track, q, limit + 1))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    hits.sort(key=lambda h: (h["at"] or epoch, -SEARCH_KINDS.index(h["kind"])), reverse=True)
    shown = hits[:limit]
    for hit in shown:
        hit["at"] = hit["at"].isoformat() if hit["at"] else None
    return {"query": q, "results": shown, "count": len(shown), "truncated": len(hits) > limit}
