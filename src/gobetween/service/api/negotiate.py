"""Routes of the *negotiate* stage: channels, messages, attachments, receipts, preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gobetween.errors import InvalidModel
from gobetween.i18n import current_locale
from gobetween.model import Preferences
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import antivirus, negotiate
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, writing_as
from gobetween.service.api.downloads import disposition
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.codec import preferences_from_json
from gobetween.store.messages import attachment_row, message_row

router = APIRouter(prefix="/api", tags=["negotiate"])

_MESSAGE = TypeAdapter(s.MessageOut)
_MESSAGES = TypeAdapter(list[s.MessageOut])


def _json(body: bytes, status_code: int = 200) -> Response:
    """A JSON response from bytes pydantic already wrote.

    The hot routes (posting and reading messages) build their models from validated rows;
    returning them as a model would make FastAPI validate them again against the response
    model before writing the same JSON. The ``response_model`` stays for the API schema.
    """
    return Response(body, status_code=status_code, media_type="application/json")


def messages_out(session: Session, rows: list[t.Message]) -> list[s.MessageOut]:
    """Messages with their attachments and receipts."""
    ids = [m.id for m in rows]
    files = repositories.attachments_of(session, ids)
    read = repositories.receipts(session, ids)
    return [
        negotiate.message_out(
            message_row(m), [attachment_row(a) for a in files[m.id]], read[m.id], []
        )
        for m in rows
    ]


def channel_out(session: Session, actor: Actor, view: TrackView, row: t.Channel) -> s.ChannelOut:
    total, unread = negotiate.channel_summary(session, actor, view, row)
    return s.ChannelOut(
        id=row.id, track_id=row.track_id, party_id=row.party_id, messages=total, unread=unread
    )


@router.get("/tracks/{track_id}/channels", response_model=list[s.ChannelOut])
def list_channels(track_id: s.Id, ctx: Ctx) -> list[s.ChannelOut]:
    """The channels the caller may read: all for mediators, their own for a party."""
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        return [
            channel_out(unit.session, unit.actor, view, c)
            for c in repositories.channels(unit.session, view)
        ]


@router.get("/channels/{channel_id}", response_model=s.ChannelOut)
def get_channel(channel_id: s.Id, ctx: Ctx) -> s.ChannelOut:
    """One channel with its message and unread counts."""
    with ctx.read() as unit:
        row, view = repositories.channel(unit.session, unit.actor, channel_id)
        return channel_out(unit.session, unit.actor, view, row)


@router.get("/channels/{channel_id}/messages", response_model=list[s.MessageOut])
async def list_messages(
    channel_id: s.Id,
    ctx: Ctx,
    q: s.SearchQuery = None,
    after: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """Messages of a channel in order, after message number ``after``, matching ``q``."""
    rows = await ctx.run(
        lambda _dialect, caller: negotiate.channel_messages_plan(
            caller, channel_id, query=q, after=after, limit=limit
        ),
        write=False,
    )
    return _json(_MESSAGES.dump_json(rows))


@router.get("/tracks/{track_id}/messages", response_model=list[s.MessageOut])
def search_messages(
    track_id: s.Id,
    ctx: Ctx,
    q: s.SearchQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[s.MessageOut]:
    """Search every channel of a track the caller may read (oldest first)."""
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        rows = repositories.messages(unit.session, view, query=q, limit=limit)
        return messages_out(unit.session, list(rows))


@router.post("/channels/{channel_id}/messages", response_model=s.MessageOut, status_code=201)
async def post_message(channel_id: s.Id, body: s.MessageIn, ctx: Ctx) -> Response:
    """Post a text message, in one of the process's working languages (``language``)."""
    interface = current_locale()
    out = await ctx.run(
        lambda dialect, caller: negotiate.post_message_plan(
            dialect,
            caller,
            channel_id,
            negotiate.Post(body.text, language=body.language, interface=interface),
        ),
        write=True,
    )
    return _json(_MESSAGE.dump_json(out), status_code=201)  # committed


@router.post("/channels/{channel_id}/attachments", response_model=s.MessageOut, status_code=201)
async def post_attachment(
    channel_id: s.Id,
    ctx: Ctx,
    file: Annotated[UploadFile, File()],
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> s.MessageOut:
    """Post a message with one attached file (size and content type are checked)."""
    limit = ctx.settings.max_attachment_bytes
    data = await file.read(limit + 1)
    upload = negotiate.Upload(
        file.filename or "file", file.content_type or "application/octet-stream", data
    )
    if ctx.settings.clamd:  # scanned before anything is written: infected 422, no scanner 503
        await ctx.run(lambda _dialect, caller: caller.actor_plan(), write=False)  # callers only
        await run_in_threadpool(antivirus.scan_uploads, ctx.settings, [upload], max_bytes=limit)
    return await ctx.run(
        lambda dialect, caller: negotiate.post_message_plan(
            dialect,
            caller,
            channel_id,
            negotiate.Post(
                text.replace("\x00", ""),
                uploads=[upload],
                max_bytes=limit,
                allowed=ctx.settings.allowed_types,
            ),
        ),
        write=True,
    )


@router.get("/attachments/{attachment_id}", response_class=Response)
def download(attachment_id: s.Id, ctx: Ctx) -> Response:
    """An attachment's bytes, as a download."""
    with ctx.read() as unit:
        row = repositories.attachment(unit.session, unit.actor, attachment_id)
        data, media, name = row.data, row.content_type, row.filename
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": disposition(name),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/messages/{message_id}/read", response_model=s.ReceiptOut)
def mark_read(message_id: s.Id, ctx: Ctx) -> s.ReceiptOut:
    """Mark a message read by the caller."""
    return writing_as(ctx, s.ReceiptOut, negotiate.mark_read, message_id)


@router.put("/tracks/{track_id}/preferences", response_model=s.PreferencesOut, status_code=201)
def record_preferences(track_id: s.Id, body: s.PreferencesIn, ctx: Ctx) -> s.PreferencesOut:
    """Record a new version of the caller's party's preferences."""
    try:
        prefs: Preferences = preferences_from_json(body.model_dump())
    except InvalidModel as exc:
        raise exc.located(source="preferences") from None
    return writing_as(ctx, s.PreferencesOut, negotiate.record_preferences, track_id, prefs)


@router.get("/tracks/{track_id}/preferences", response_model=list[s.PreferencesOut])
def current_preferences(track_id: s.Id, ctx: Ctx) -> list[s.PreferencesOut]:
    """Current preferences: every party's for mediators, the caller's own party's otherwise."""
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        rows = repositories.current_preferences(unit.session, view)
        return [s.PreferencesOut.model_validate(r) for r in rows]


@router.get(
    "/tracks/{track_id}/parties/{party_id}/preferences", response_model=list[s.PreferencesOut]
)
def preference_history(track_id: s.Id, party_id: s.Id, ctx: Ctx) -> list[s.PreferencesOut]:
    """Every version of one party's preferences (that party's members and mediators)."""
    with ctx.read() as unit:
        _, view = repositories.track(unit.session, unit.actor, track_id)
        view.require(Action.READ_PARTY_DATA, party_id)
        rows = repositories.preference_history(unit.session, view, party_id)
        return [s.PreferencesOut.model_validate(r) for r in rows]
