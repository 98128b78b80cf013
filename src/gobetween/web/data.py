"""Reads the pages need that the service has no function for, each scoped by the policy.

- :func:`stream_cursor`: where a page's live-update stream starts (the caller's scoped cursor,
  from :func:`gobetween.store.repositories.cursor_at`);
- :func:`channel_messages`: a readable channel's messages with attachments and the caller's
  read marks (through :func:`gobetween.service.negotiate.channel_messages`, as the API).

Scores of packages under the parties' preferences come from :mod:`gobetween.service.scores`,
which the JSON API serves too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from gobetween.policy import TrackView
from gobetween.service import negotiate
from gobetween.service.api.events import format_cursor
from gobetween.service.context import Unit
from gobetween.service.schemas import AttachmentOut, MessageOut
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = ["ShownMessage", "channel_messages", "stream_cursor"]


def stream_cursor(unit: Unit, view: TrackView) -> str:
    """Where a page's live-update stream starts: the caller's scoped cursor up to now.

    Only the scopes the caller may read appear (the public one and its own party's, or every
    party's for a mediator), each numbered within itself, so a cursor reveals no count of another
    party's events.
    """
    return format_cursor(repositories.cursor_at(unit.session, view))


@dataclass(frozen=True)
class ShownMessage:
    """A message as a page shows it."""

    row: MessageOut
    author: str
    mine: bool
    unread: bool
    attachments: Sequence[AttachmentOut]


def channel_messages(
    unit: Unit, view: TrackView, channel_id: int, limit: int = 200
) -> list[ShownMessage]:
    """The newest ``limit`` messages of a channel the caller may read, oldest first.

    ``channel_id`` must come from :func:`gobetween.store.repositories.channel` (already checked
    readable); the messages themselves are read through
    :func:`gobetween.service.negotiate.channel_messages`, which checks the channel again.
    """
    newest = (
        select(t.Message.number)
        .where(t.Message.channel_id == channel_id)
        .order_by(t.Message.number.desc())
        .limit(1)
        .offset(limit)
    )
    start = unit.session.execute(newest).scalar_one_or_none() or 0
    rows = negotiate.channel_messages(unit.session, unit.actor, channel_id, start, limit)
    names = author_names(unit, rows)
    me = unit.actor.user_id
    return [
        ShownMessage(
            row=m,
            author=names.get(m.author_id or 0, "former member"),
            mine=m.author_id == me,
            unread=me not in m.read_by and m.author_id != me,
            attachments=m.attachments,
        )
        for m in rows
    ]


def author_names(unit: Unit, messages: Sequence[MessageOut]) -> dict[int, str]:
    """User id -> name of the authors of messages the caller has already been allowed to read."""
    ids = {m.author_id for m in messages if m.author_id is not None}
    if not ids:
        return {}
    rows = unit.session.execute(select(t.User.id, t.User.name).where(t.User.id.in_(ids))).all()
    return {int(uid): str(name) for uid, name in rows}
