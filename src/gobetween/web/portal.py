"""Pages of a track: its overview (agenda), a private channel (messages, attachments, offers).

The channel page is the same for a party member (its own channel) and a mediator (any channel);
the list of messages is an htmx fragment that reloads when the live-update stream announces a
message. JSON twins: ``GET /api/tracks/{id}``, ``GET /api/channels/{id}/messages``,
``GET /api/tracks/{id}/offers``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _
from gobetween.policy import Action, Seat
from gobetween.protocols import relay
from gobetween.service import antivirus, attachment_kinds, negotiate, processes, schemas, texts
from gobetween.service.api.protocols import schema
from gobetween.service.context import RequestContext, Unit
from gobetween.service.names import called
from gobetween.web.common import Ctx, TrackPage, track_page
from gobetween.web.data import ShownMessage, channel_messages, stream_cursor
from gobetween.web.forms import form_errors, perform_step, validated
from gobetween.web.render import form_again, read_page, redirect, render, run_page

__all__ = ["MARK_READ_STEP", "mark_channel_read", "router"]

router = APIRouter(include_in_schema=False)


def _overview_context(ctx: RequestContext, unit: Unit, /, track_id: int) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    view = tp.view
    text = texts.text_view(unit.session, unit.actor, track_id)
    channels = []
    for channel in negotiate.channels(unit.session, view):
        _total, unread = negotiate.channel_summary(unit.session, unit.actor, view, channel)
        channels.append(
            {"id": channel.id, "party": tp.party_name(channel.party_id), "unread": unread}
        )
    taking_part = processes.participants(unit.session, view)
    return tp.context(
        ctx,
        unit,
        title=called(tp.track),
        text=text,
        channels=channels,
        taking_part=[tp.party_name(o) for o in taking_part],
        seats=sorted(s.value for s in view.seats),
    )


@router.get("/tracks/{track_id}")
def overview(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The track: its agenda, the organisations taking part, and where the caller stands."""
    return read_page(request, ctx, "track.html", _overview_context, track_id)


def _own_channel(unit: Unit, tp: TrackPage) -> int:
    for channel in negotiate.channels(unit.session, tp.view):
        if channel.party_id == tp.view.own_party:
            return channel.id
    raise e.NotFound(f"no channel of yours in track {tp.track.id}")


@router.get("/tracks/{track_id}/channel")
def own_channel(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A party member's way into their own channel."""

    def build() -> Response:
        with ctx.read() as unit:
            tp = track_page(unit, track_id)
            if Seat.PARTY not in tp.view.seats:
                raise e.NotFound(f"no channel of yours in track {track_id}")
            return channel_page(request, ctx, unit, _own_channel(unit, tp))

    return run_page(request, build)


def channel_context(
    ctx: RequestContext, unit: Unit, /, channel_id: int, **more: Any
) -> dict[str, Any]:
    """Everything the channel page shows."""
    channel, view = negotiate.channel(unit.session, unit.actor, channel_id)
    tp = track_page(unit, channel.track_id)
    offers = texts.offers_view(unit.session, unit.actor, tp.track.id)
    if offers["view"] == "mediator":
        offers["offers"] = [o for o in offers["offers"] if int(o["party"]) == channel.party_id]
    return tp.context(
        ctx,
        unit,
        title=_("Channel: %(party)s") % {"party": tp.party_name(channel.party_id)},
        channel=channel,
        party=tp.party_name(channel.party_id),
        offers=offers,
        may_offer=tp.view.allows(Action.SEND_OFFER, channel.party_id),
        events_cursor=stream_cursor(unit, view),
        messages=_messages(unit, tp, channel.id),
        draft=more.pop("draft", ""),
        attachments=_attachments(ctx),
        **more,
    )


def _attachments(ctx: RequestContext) -> dict[str, str]:
    """What the composer says it takes: the accepted kinds in words ("a PDF (.pdf), ... or a
    Word document (.docx)"), the largest size, and the file picker's ``accept``."""
    allowed = ctx.settings.allowed_types
    size = attachment_kinds.size_said(ctx.settings.max_attachment_bytes)
    said = _("You can attach %(kinds)s, of at most %(size)s.")
    return {
        "said": said % {"kinds": attachment_kinds.accepted_said(allowed), "size": size},
        "accept": attachment_kinds.accept_attribute(allowed),
    }


def _messages(unit: Unit, tp: TrackPage, channel_id: int) -> list[ShownMessage]:
    return channel_messages(unit, tp.view, channel_id)


def channel_page(
    request: Request,
    ctx: RequestContext,
    unit: Unit,
    channel_id: int,
    status: int = 200,
    **more: Any,
) -> Response:
    """Render the channel page in an open unit of work."""
    return render(
        request, "channel.html", channel_context(ctx, unit, channel_id, **more), status=status
    )


@router.get("/channels/{channel_id}")
def channel(request: Request, ctx: Ctx, channel_id: int) -> Response:
    """One private channel: its messages, a form to write, and the relayed offers."""
    return read_page(request, ctx, "channel.html", channel_context, channel_id)


def _messages_context(ctx: RequestContext, unit: Unit, /, channel_id: int) -> dict[str, Any]:
    row, _view = negotiate.channel(unit.session, unit.actor, channel_id)
    tp = track_page(unit, row.track_id)
    return {"messages": _messages(unit, tp, row.id), "channel": row}


@router.get("/channels/{channel_id}/messages")
def messages_fragment(request: Request, ctx: Ctx, channel_id: int) -> Response:
    """The list of messages alone (what htmx swaps in on a live update)."""
    return read_page(request, ctx, "_messages.html", _messages_context, channel_id)


@router.post("/channels/{channel_id}/messages")
async def post_message(request: Request, ctx: Ctx, channel_id: int) -> Response:
    """Post a message, with an optional attached file."""
    form = await request.form()
    text = str(form.get("text", "")).replace("\x00", "")
    language = str(form.get("language", "")) or None  # the message's working language
    back = str(form.get("back", ""))
    target = back if back.startswith("/tracks/") and "//" not in back else f"/channels/{channel_id}"
    uploads = []
    file = form.get("file")
    limit = ctx.settings.max_attachment_bytes
    if isinstance(file, UploadFile) and file.filename:
        data = await file.read(limit + 1)
        content_type = file.content_type or "application/octet-stream"
        uploads.append(negotiate.Upload(file.filename, content_type, data))
    await form.close()

    def work() -> Response:
        try:
            fields = {"text": text, "language": language}
            body: schemas.MessageIn | schemas.FileMessageIn = (
                validated(schemas.FileMessageIn, fields)
                if uploads
                else validated(schemas.MessageIn, fields)
            )
            if uploads and ctx.settings.clamd:  # scanned before anything is written
                with ctx.read():  # the caller is known before the file goes to the scanner
                    pass
                antivirus.scan_uploads(ctx.settings, uploads, max_bytes=limit)
            with ctx.write() as unit:
                message = negotiate.post_message(
                    unit.session,
                    unit.actor,
                    channel_id,
                    negotiate.Post(
                        body.text,
                        uploads=uploads,
                        max_bytes=limit,
                        allowed=ctx.settings.allowed_types,
                        language=body.language,
                        interface=i18n.current_locale(),
                    ),
                )
                negotiate.mark_read(unit.session, unit.actor, message.id)
        except (e.InputError, e.PermissionDenied) as exc:
            shown = form_errors(exc)
            return form_again(
                request, ctx, "channel.html", channel_context, channel_id, draft=text, **shown
            )
        return redirect(f"{target}#composer" if target.startswith("/channels/") else target)

    return await run_in_threadpool(run_page, request, work)


#: Receipts written per unit of work when a whole channel is marked read. Each costs 1 ms with
#: its audit entry on a fast machine and 2.5 ms on the slower ones of 7 December 2026 (a unit of
#: 50 took 0.13-0.16 s of CPU alone there, 0.31 s in a full test run): 25 keeps a unit within
#: tens of milliseconds on the fast machines and under 0.1 s alone on the slow ones.
MARK_READ_STEP = 25


def mark_channel_read(ctx: RequestContext, channel_id: int) -> None:
    """Mark every message of the channel read by the caller: the pages of messages are read
    in read-only units, and only the unread ones are marked, :data:`MARK_READ_STEP` per unit of
    work. In one unit, a channel of 5,000 messages held the write lock for 7.0 s (4.4 s when all
    were read already), and every other user's write waited (docs/security.md, *Promise 2*)."""
    after = 0
    while True:
        with ctx.read() as unit:
            page = negotiate.channel_messages(unit.session, unit.actor, channel_id, after)
            reader = unit.actor.user_id
        if not page:
            return
        unread = [m.id for m in page if reader not in m.read_by]
        for start in range(0, len(unread), MARK_READ_STEP):
            with ctx.write() as unit:
                for message_id in unread[start : start + MARK_READ_STEP]:
                    negotiate.mark_read(unit.session, unit.actor, message_id)
        after = page[-1].number


@router.post("/channels/{channel_id}/read")
def mark_read(request: Request, ctx: Ctx, channel_id: int) -> Response:
    """Mark every message of the channel read by the caller."""

    def build() -> Response:
        mark_channel_read(ctx, channel_id)
        return redirect(f"/channels/{channel_id}", request)

    return run_page(request, build)


@router.post("/tracks/{track_id}/offers")
async def submit_offer(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A party sends an offer (some options and/or a message) to the mediators.

    The form is read through the schema of the generic ``send_offer`` operation
    (``POST /api/tracks/{id}/protocols/relay/send_offer``) and done by the same step, so the
    page refuses what that operation refuses at the same field: a message over 20,000
    characters at ``message``, an option off the agenda at ``options`` (the older
    ``/offers`` route answers the latter with 409, unnamed)."""
    form = await request.form()
    message = str(form.get("message", ""))
    options = {
        str(k)[7:]: str(v) for k, v in form.multi_items() if str(k).startswith("option:") and v
    }

    def work() -> Response:
        model = schema(relay.PROTOCOL, relay.SEND_OFFER)
        try:
            body = validated(model, {"options": options, "message": message})
            perform_step(ctx, track_id, relay.PROTOCOL, relay.SEND_OFFER, body)
            with ctx.read() as unit:
                channel_id = _own_channel(unit, track_page(unit, track_id))
        except (e.InputError, e.ProtocolError) as exc:
            with ctx.read() as unit:
                cid = _own_channel(unit, track_page(unit, track_id))
                more = form_errors(exc)
                return channel_page(request, ctx, unit, cid, 422, offer_draft=message, **more)
        return redirect(f"/channels/{channel_id}#offers")

    return await run_in_threadpool(run_page, request, work)
