"""Live updates by server-sent events, scoped by the same policy as every other read.

``GET /api/tracks/{id}/events`` streams ``event: <kind>`` / ``data: {...}`` records. Each
event's SSE id is the stream's *cursor* after it: the last number seen per scope, e.g. ``0:4,12:7``
(scope 0 is the track's public events, a party id that party's own). Numbers count within their
scope only, so a party's cursor says nothing about other parties' activity. A client resumes with
``Last-Event-ID`` (or ``?cursor=``); the only position accepted is such a scoped cursor. A bare
number (``?after=N``, ``?cursor=N``, ``Last-Event-ID: N``: a global notification id, which the
first version of this endpoint took) answers 422: it counted every party's events, so stepping
it let a party count another party's private ones. Scopes the reader may not read are dropped
from the cursor. Each poll opens a fresh unit of work and asks the policy again, so a member
removed from a process receives nothing more. A following stream wakes on a fixed schedule
from its start and polls when its track's newest notification id (read once per interval for all
streams of a worker, and never sent) has changed, and every ``HEARTBEAT_SECONDS`` regardless;
only that scheduled poll ends a stream its reader may no longer read, so the moment a stream
ends never depends on another party's activity. ``?follow=false`` sends what is there and
closes.

Open streams are limited per user and per worker (``GOBETWEEN_STREAMS_PER_USER``,
``GOBETWEEN_STREAMS_TOTAL``): beyond, 429 with ``Retry-After``; a stream gives its slot back
when the client goes away.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gobetween.errors import GobetweenError, ValidationFailed
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l
from gobetween.policy import TrackView
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx
from gobetween.service.context import RequestContext
from gobetween.service.slots import Slot, Slots, app_object, app_slots
from gobetween.store import repositories
from gobetween.store import tables as t

router = APIRouter(prefix="/api", tags=["events"])

HEARTBEAT_SECONDS = 15.0
#: Seconds a client refused a stream is asked to wait.
RETRY_AFTER = 10
_CURSOR = re.compile(r"^(\d{1,10}:\d{1,10})(,\d{1,10}:\d{1,10}){0,199}$")


def parse_cursor(text: str | None, location: str) -> dict[int, int]:
    """``"0:4,12:7"`` -> ``{0: 4, 12: 7}``; empty or missing: the start.

    A bare number (a global notification id) is refused like any other malformed cursor.

    >>> parse_cursor("0:4,12:7", "cursor")
    {0: 4, 12: 7}
    >>> parse_cursor("25", "query.cursor")
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: query.cursor: '25' is a bare event number, ...
    """
    if not text:
        return {}
    if text.isdigit():
        raise ValidationFailed(
            _("%(value)s is a bare event number, which is no longer accepted")
            % {"value": repr(text[:40])},
            location=location,
            expected=_("the id of the last event received: scope:number pairs such as 0:4,12:7"),
        )
    if not _CURSOR.match(text):
        raise ValidationFailed(
            _("%(value)s is not a stream cursor") % {"value": repr(text[:40])},
            location=location,
            expected=_("scope:number pairs separated by commas, as sent in the events' ids"),
        )
    return {int(a): int(b) for a, b in (pair.split(":") for pair in text.split(","))}


def format_cursor(cursor: Mapping[int, int]) -> str:
    """The cursor as an SSE id.

    >>> format_cursor({12: 7, 0: 4})
    '0:4,12:7'
    """
    return ",".join(f"{scope}:{number}" for scope, number in sorted(cursor.items()))


def _newest(session: Session, track_id: int) -> int:
    """The newest notification id of a track (0: none).

    Never sent to anyone: it only tells a stream whether polling could find anything, and
    every poll that could send something asks the policy first.
    """
    stmt = select(func.max(t.Notification.id)).where(t.Notification.track_id == track_id)
    return int(session.execute(stmt).scalar_one() or 0)


class Watermarks:
    """The newest notification id per track, read at most once per interval for all of a
    worker's streams (100 idle streams on a track cost one small query a second, not 300)."""

    def __init__(self, ctx: RequestContext) -> None:
        self._db = ctx.services.db
        self._interval = ctx.settings.sse_poll_seconds
        self._seen: dict[int, tuple[float, int]] = {}

    def _read(self, track_id: int) -> int:
        with self._db.unit_of_work(write=False) as session:
            return _newest(session, track_id)

    async def newest(self, track_id: int) -> int:
        """The track's newest notification id as of at most one interval ago."""
        now = time.monotonic()
        at, mark = self._seen.get(track_id, (-self._interval, -1))
        if now - at < self._interval:
            return mark
        self._seen[track_id] = (now, mark)  # the other streams keep the old mark meanwhile
        if len(self._seen) > 10_000:  # tracks nobody streams any more
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < 60}
        fresh = await run_in_threadpool(self._read, track_id)
        self._seen[track_id] = (time.monotonic(), fresh)
        return fresh


def _poll(
    ctx: RequestContext, track_id: int, cursor: dict[int, int]
) -> tuple[int, list[t.Notification]]:
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        mark = _newest(unit.session, track_id)  # before the events: nothing newer is skipped
        return mark, _news(unit.session, view, cursor)


def _news(session: Session, view: TrackView, cursor: dict[int, int]) -> list[t.Notification]:
    """The events after ``cursor``; scopes the reader may not read leave the cursor first."""
    readable = {0, *view.readable_parties}
    for scope in [k for k in cursor if k not in readable]:  # never echoed back
        del cursor[scope]
    return list(repositories.notifications(session, view, cursor))


def _first_poll(
    ctx: RequestContext, track_id: int, cursor: dict[int, int], slots: Slots
) -> tuple[int, list[t.Notification], Slot]:
    """The first batch (404 before anything else) and the caller's stream slot (or 429)."""
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        slot = slots.take(unit.actor.user_id)
        try:
            mark = _newest(unit.session, track_id)
            return mark, _news(unit.session, view, cursor), slot
        except BaseException:
            slot.release()
            raise


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
    request: Request,
    cursor: Annotated[str | None, Query(max_length=4400)] = None,
    after: Annotated[
        str | None, Query(max_length=40, description="no longer accepted: answers 422")
    ] = None,
    follow: bool = True,
    last_event_id: Annotated[str | None, Header(max_length=4400)] = None,
) -> StreamingResponse:
    """A server-sent event stream of the track's news the caller may see."""
    if after is not None:
        raise ValidationFailed(
            _("'after' (a global event number) is no longer accepted"),
            location="query.after",
            expected=_("cursor= or Last-Event-ID with the id of the last event received"),
        )
    if last_event_id:
        position = parse_cursor(last_event_id, "header.last-event-id")
    else:
        position = parse_cursor(cursor, "query.cursor")
    mark, first, slot = _first_poll(ctx, track_id, position, _stream_slots(request, ctx))
    marks = _watermarks(request, ctx) if follow else None
    return StreamingResponse(
        _stream(ctx, track_id, position, (mark, first), slot, marks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _watermarks(request: Request, ctx: RequestContext) -> Watermarks:
    return app_object(request.app.state, "event_watermarks", Watermarks, lambda: Watermarks(ctx))


def _stream_slots(request: Request, ctx: RequestContext) -> Slots:
    settings = ctx.settings
    return app_slots(
        request.app.state,
        "event_stream_slots",
        lambda: Slots(
            per_user=settings.streams_per_user,
            total=settings.streams_total,
            retry_after=RETRY_AFTER,
            what=_l("event streams"),
        ),
    )


async def _stream(
    ctx: RequestContext,
    track_id: int,
    position: dict[int, int],
    first: tuple[int, list[t.Notification]],
    slot: Slot,
    marks: Watermarks | None,
) -> AsyncIterator[str]:
    """The stream's records; the slot is given back however it ends (client gone included).

    ``marks`` None: send what is there and end. Otherwise the stream wakes on a fixed schedule
    (every ``sse_poll_seconds`` from its start) and polls (with the policy) when the track's
    newest notification has changed since the last poll, and every ``HEARTBEAT_SECONDS``
    whatever happened. Only that scheduled poll ends a stream whose reader may no longer read
    (session ended, token revoked, seat removed): a poll woken by news that turns out to be
    another party's hidden activity must not end it, or the moment it ends would tell the
    reader when the other party acted. A refused poll sends nothing.
    """
    interval = ctx.settings.sse_poll_seconds
    every = max(1, round(HEARTBEAT_SECONDS / interval))  # ticks between unconditional polls
    with slot:
        (seen, batch), idle, tick, start = first, 0, 0, time.monotonic()
        while True:
            for event in batch:
                yield _record(event, position)
            if marks is None:
                return
            batch = []
            tick += 1
            await anyio.sleep(max(0.0, start + tick * interval - time.monotonic()))
            idle += 1
            if idle >= every:
                idle = 0
                yield ": keep-alive\n\n"
            scheduled = tick % every == 0
            if not scheduled and await marks.newest(track_id) == seen:
                continue
            try:
                seen, batch = await run_in_threadpool(_poll, ctx, track_id, position)
            except GobetweenError:
                if scheduled:
                    return
                continue  # refused: the next scheduled poll ends the stream
            if batch:
                idle = 0
