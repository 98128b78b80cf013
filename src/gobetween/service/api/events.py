"""Live updates by server-sent events, scoped by the same policy as every other read.

``GET /api/tracks/{id}/events`` streams ``event: <kind>`` / ``data: {...}`` records. Each
event's SSE id is the stream's *cursor* after it: the last number seen per scope, e.g. ``0:4,12:7``
(scope 0 is the track's public events, a party id that party's own). Numbers count within their
scope only, so a party's cursor says nothing about other parties' activity. A client resumes with
``Last-Event-ID`` (or ``?cursor=``). Each poll opens a fresh unit of work and asks the policy
again, so a member removed from a process stops receiving updates at once. ``?follow=false``
sends what is there and closes.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from gobetween.errors import GobetweenError, ValidationFailed
from gobetween.service import schemas as s
from gobetween.service.context import RequestContext, request_context
from gobetween.store import repositories
from gobetween.store import tables as t

router = APIRouter(prefix="/api", tags=["events"])
Ctx = Annotated[RequestContext, Depends(request_context)]

HEARTBEAT_SECONDS = 15.0
#: Cursor key of a bare notification id (``?cursor=123``), translated at the first poll.
LEGACY = -1
_CURSOR = re.compile(r"^(\d{1,10}:\d{1,10})(,\d{1,10}:\d{1,10}){0,199}$")


def parse_cursor(text: str | None, location: str) -> dict[int, int]:
    """``"0:4,12:7"`` -> ``{0: 4, 12: 7}``; empty or missing: the start; a bare number is a
    notification id, read as "the events after that one".

    >>> parse_cursor("0:4,12:7", "cursor")
    {0: 4, 12: 7}
    """
    if not text:
        return {}
    if text.isdigit() and len(text) <= 18:
        return {LEGACY: int(text)}
    if not _CURSOR.match(text):
        raise ValidationFailed(
            f"{text[:40]!r} is not a stream cursor",
            location=location,
            expected="scope:number pairs separated by commas, as sent in the events' ids",
        )
    return {int(a): int(b) for a, b in (pair.split(":") for pair in text.split(","))}


def format_cursor(cursor: Mapping[int, int]) -> str:
    """The cursor as an SSE id.

    >>> format_cursor({12: 7, 0: 4})
    '0:4,12:7'
    """
    return ",".join(f"{scope}:{number}" for scope, number in sorted(cursor.items()))


def _poll(ctx: RequestContext, track_id: int, cursor: dict[int, int]) -> list[t.Notification]:
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        if LEGACY in cursor:  # a bare event id: translate it into the scoped cursor
            cursor.update(repositories.cursor_at(unit.session, view, cursor.pop(LEGACY)))
        return list(repositories.notifications(unit.session, view, cursor))


def _record(event: t.Notification, cursor: dict[int, int]) -> str:
    cursor[event.party_id or 0] = event.number
    body = s.NotificationOut(
        track_id=event.track_id,
        kind=event.kind,
        object_id=event.object_id,
        created_at=event.created_at,
    )
    data = json.dumps(body.model_dump(mode="json"), separators=(",", ":"))
    return f"id: {format_cursor(cursor)}\nevent: {event.kind}\ndata: {data}\n\n"


@router.get(
    "/tracks/{track_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def events(
    track_id: s.Id,
    ctx: Ctx,
    cursor: Annotated[str | None, Query(max_length=4400)] = None,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    follow: bool = True,
    last_event_id: Annotated[str | None, Header(max_length=4400)] = None,
) -> StreamingResponse:
    """A server-sent event stream of the track's news the caller may see."""
    if last_event_id:
        position = parse_cursor(last_event_id, "header.last-event-id")
    elif after is not None:  # a notification id, as in the first version of this endpoint
        position = {LEGACY: after}
    else:
        position = parse_cursor(cursor, "query.cursor")
    first = _poll(ctx, track_id, position)  # raises 404 before the stream starts
    interval = ctx.settings.sse_poll_seconds

    async def stream() -> AsyncIterator[str]:
        batch, idle = first, 0.0
        while True:
            for event in batch:
                yield _record(event, position)
            if not follow:
                return
            await anyio.sleep(interval)
            idle += interval
            if idle >= HEARTBEAT_SECONDS:
                idle = 0.0
                yield ": keep-alive\n\n"
            try:
                batch = await run_in_threadpool(_poll, ctx, track_id, position)
            except GobetweenError:
                return
            if batch:
                idle = 0.0

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
