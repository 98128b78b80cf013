"""What the pages make of the service's reads (the pages import nothing of the store).

- :func:`stream_cursor`: where a page's live-update stream starts (the caller's scoped cursor,
  from :func:`gobetween.service.negotiate.live_cursor`);
- :func:`channel_messages`: a readable channel's messages with attachments and the caller's
  read marks (through :func:`gobetween.service.negotiate.channel_messages`, as the API).

Scores of packages under the parties' preferences come from :mod:`gobetween.service.scores`,
which the JSON API serves too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gobetween.policy import TrackView
from gobetween.service import negotiate
from gobetween.service.api.events import format_cursor
from gobetween.service.context import Unit
from gobetween.service.schemas import AttachmentOut, MessageOut

__all__ = ["ShownMessage", "channel_messages", "stream_cursor"]


def stream_cursor(unit: Unit, view: TrackView) -> str:
    """Where a page's live-update stream starts: the caller's scoped cursor up to now.

    Only the scopes the caller may read appear (the public one and its own party's, or every
    party's for a mediator), each numbered within itself, so a cursor reveals no count of another
    party's events.
    """
    return format_cursor(negotiate.live_cursor(unit.session, view))


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

    The messages are read through :func:`gobetween.service.negotiate.channel_messages`, as the
    API reads them.
    """
    start = negotiate.page_start(unit.session, unit.actor, channel_id, limit)
    rows = negotiate.channel_messages(unit.session, unit.actor, channel_id, start, limit)
    names = negotiate.author_names(unit.session, rows)
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
