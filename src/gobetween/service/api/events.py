"""Live updates by server-sent events, scoped by the same policy as every other read.

``GET /api/tracks/{id}/events`` streams ``event: <kind>`` / ``data: {...}`` records with the
notification id as the event id; a client resumes with ``Last-Event-ID`` (or ``?after=``). Each
poll opens a fresh unit of work and asks the policy again, so a member removed from a process
stops receiving updates at once. ``?follow=false`` sends what is there and closes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from gobetween.errors import GobetweenError
from gobetween.service import schemas as s
from gobetween.service.context import RequestContext, request_context
from gobetween.store import repositories

router = APIRouter(prefix="/api", tags=["events"])
Ctx = Annotated[RequestContext, Depends(request_context)]

HEARTBEAT_SECONDS = 15.0


def _poll(ctx: RequestContext, track_id: int, after: int) -> list[s.NotificationOut]:
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        rows = repositories.notifications(unit.session, view, after=after)
        return [s.NotificationOut.model_validate(r) for r in rows]


def _record(event: s.NotificationOut) -> str:
    data = json.dumps(event.model_dump(mode="json"), separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.kind}\ndata: {data}\n\n"


@router.get(
    "/tracks/{track_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def events(
    track_id: s.Id,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    follow: bool = True,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """A server-sent event stream of the track's news the caller may see."""
    if last_event_id and last_event_id.isdigit() and int(last_event_id) <= 2**62:
        after = max(after, int(last_event_id))
    first = _poll(ctx, track_id, after)  # raises 404 before the stream starts
    interval = ctx.settings.sse_poll_seconds

    async def stream() -> AsyncIterator[str]:
        batch, cursor, idle = first, after, 0.0
        while True:
            for event in batch:
                cursor = event.id
                yield _record(event)
            if not follow:
                return
            await anyio.sleep(interval)
            idle += interval
            if idle >= HEARTBEAT_SECONDS:
                idle = 0.0
                yield ": keep-alive\n\n"
            try:
                batch = await run_in_threadpool(_poll, ctx, track_id, cursor)
            except GobetweenError:
                return
            if batch:
                idle = 0.0

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
