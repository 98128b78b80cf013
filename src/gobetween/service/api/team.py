"""Routes of the team's tools: mediators' notes, channel assignments, meetings, search, archive.

Thin: each route opens one unit of work and calls :mod:`gobetween.service.notes`,
:mod:`~gobetween.service.meetings`, :mod:`~gobetween.service.search` or
:mod:`~gobetween.service.archive`; the policy decisions are theirs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import Field

from gobetween.service import archive, meetings, notes, search
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, document_slot, reading, writing
from gobetween.service.api.downloads import disposition

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["team"])

NoteText = Annotated[s.Str, Field(min_length=1, max_length=notes.MAX_NOTE)]
Short = Annotated[s.Str, Field(max_length=300)]


class NoteIn(s.In):
    text: NoteText
    channel_id: s.RefId | None = None


class NoteEdit(s.In):
    text: NoteText


class AssignmentIn(s.In):
    channel_id: s.RefId
    user_id: s.RefId


class FollowUpIn(s.In):
    text: Annotated[s.Str, Field(min_length=1, max_length=2000)]
    owner: Annotated[s.Str, Field(max_length=200)] = ""
    due: dt.date | None = None
    done: bool = False


class MeetingIn(s.In):
    held_at: dt.datetime
    kind: Literal["meeting", "call", "shuttle"] = "meeting"
    place: Annotated[s.Str, Field(min_length=1, max_length=300)]
    party_ids: Annotated[list[s.RefId], Field(min_length=1, max_length=50)]
    attendees: Annotated[s.Str, Field(max_length=2000)] = ""
    summary: Annotated[s.Str, Field(max_length=meetings.MAX_TEXT)] = ""
    follow_ups: Annotated[
        list[FollowUpIn], Field(max_length=meetings.MAX_FOLLOW_UPS, default_factory=list)
    ]


def _meeting_fields(body: MeetingIn) -> dict[str, Any]:
    fields = body.model_dump()
    fields["follow_ups"] = [
        {**f, "due": f["due"].isoformat() if f["due"] else None} for f in fields["follow_ups"]
    ]
    return fields


# -- notes -----------------------------------------------------------------------------------


@router.get("/tracks/{track_id}/notes")
def list_notes(track_id: s.Id, ctx: Ctx, channel_id: s.QueryId = None) -> list[dict[str, Any]]:
    """The mediators' private notes on a track (or one channel), newest first (mediators)."""
    return reading(ctx, notes.notes, track_id, channel_id=channel_id)


@router.post("/tracks/{track_id}/notes", status_code=201)
def add_note(track_id: s.Id, body: NoteIn, ctx: Ctx) -> dict[str, Any]:
    """Write a private note on the track or on one of its channels (mediators)."""
    return writing(ctx, notes.add_note, track_id, body.text, channel_id=body.channel_id)


@router.put("/notes/{note_id}")
def edit_note(note_id: s.Id, body: NoteEdit, ctx: Ctx) -> dict[str, Any]:
    """Rewrite a note (mediators of its track)."""
    return writing(ctx, notes.edit_note, note_id, body.text)


@router.delete("/notes/{note_id}", status_code=204)
def delete_note(note_id: s.Id, ctx: Ctx) -> Response:
    """Delete a note (mediators of its track)."""
    writing(ctx, notes.delete_note, note_id)
    return Response(status_code=204)


# -- assignments -----------------------------------------------------------------------------


@router.get("/tracks/{track_id}/assignments")
def list_assignments(track_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """Each channel of the track with the mediators who handle it (mediators)."""
    return reading(ctx, notes.assignments, track_id)


@router.post("/tracks/{track_id}/assignments", status_code=201)
def assign(track_id: s.Id, body: AssignmentIn, ctx: Ctx) -> list[dict[str, Any]]:
    """Give a channel to a mediator of the track (mediators)."""
    return writing(ctx, notes.assign, track_id, body.channel_id, body.user_id)


@router.delete("/tracks/{track_id}/assignments/{channel_id}/{user_id}")
def unassign(track_id: s.Id, channel_id: s.Id, user_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """Take a channel from a mediator (mediators)."""
    return writing(ctx, notes.unassign, track_id, channel_id, user_id)


# -- meetings --------------------------------------------------------------------------------


@router.get("/tracks/{track_id}/meetings")
def list_meetings(track_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """The track's meetings the caller took part in (every one for its mediators)."""
    return reading(ctx, meetings.meetings, track_id)


@router.post("/tracks/{track_id}/meetings", status_code=201)
def record_meeting(track_id: s.Id, body: MeetingIn, ctx: Ctx) -> dict[str, Any]:
    """Record a meeting, call or shuttle visit with one or more parties (mediators)."""
    return writing(ctx, meetings.record_meeting, track_id, **_meeting_fields(body))


@router.get("/meetings/{meeting_id}")
def get_meeting(meeting_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """One meeting the caller took part in (or mediates)."""
    return reading(ctx, meetings.meeting, meeting_id)


@router.put("/meetings/{meeting_id}")
def update_meeting(meeting_id: s.Id, body: MeetingIn, ctx: Ctx) -> dict[str, Any]:
    """Rewrite a meeting's record (mediators)."""
    return writing(ctx, meetings.update_meeting, meeting_id, **_meeting_fields(body))


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(meeting_id: s.Id, ctx: Ctx) -> Response:
    """Delete a meeting's record (mediators)."""
    writing(ctx, meetings.delete_meeting, meeting_id)
    return Response(status_code=204)


# -- search and archive ----------------------------------------------------------------------


@router.get("/search")
def run_search(
    ctx: Ctx,
    q: Annotated[s.Str, Query(max_length=search.MAX_QUERY)],
    track_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    kind: Annotated[list[Literal["message", "note", "text", "meeting"]] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=search.MAX_RESULTS)] = 50,
) -> dict[str, Any]:
    """Search messages, notes, texts and meetings the caller may read (newest first)."""
    return reading(
        ctx,
        search.search,
        q,
        track_id=track_id,
        kinds=tuple(kind) if kind else search.SEARCH_KINDS,
        limit=limit,
    )


@router.get("/tracks/{track_id}/archive")
def track_archive(track_id: s.Id, ctx: Ctx) -> StreamingResponse:
    """The track's whole record as the caller may read it: one ZIP, streamed."""
    with document_slot(ctx):
        file, name = reading(ctx, archive.track_archive, track_id)
    return StreamingResponse(
        archive.chunks(file),
        media_type="application/zip",
        headers={"Content-Disposition": disposition(name)},
    )
