"""Mediator console: every channel of a track side by side, unread markers, relayed offers.

Only mediators of the track have it (the policy's ``FORWARD_OFFER`` and ``READ_PARTY_DATA`` on
every party). An offer can be edited (options, message, recipients) before it is forwarded, or
declined with a reason that goes to its sender. JSON twins: ``GET /api/tracks/{id}/channels``,
``GET /api/tracks/{id}/offers``, ``POST .../offers/{n}/forward`` and ``.../decline``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.i18n import _
from gobetween.protocols import relay
from gobetween.service import negotiate, notes, schemas, texts
from gobetween.service.api.protocols import schema
from gobetween.service.context import RequestContext, Unit
from gobetween.web.common import Ctx, track_page
from gobetween.web.data import channel_messages, stream_cursor
from gobetween.web.forms import form_errors, perform_step, validated
from gobetween.web.render import form_again, read_page, redirect, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _console_context(
    ctx: RequestContext, unit: Unit, /, track_id: int, **more: Any
) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    if not tp.view.is_mediator:  # every channel: to anyone else the console does not exist
        raise e.NotFound(f"no console in track {track_id}")
    channels = []
    handled = {
        r["channel_id"]: r["mediators"]
        for r in notes.assignments(unit.session, unit.actor, track_id)
    }
    for channel in negotiate.channels(unit.session, tp.view):
        total, unread = negotiate.channel_summary(unit.session, unit.actor, tp.view, channel)
        channels.append(
            {
                "id": channel.id,
                "party_id": channel.party_id,
                "party": tp.party_name(channel.party_id),
                "total": total,
                "unread": unread,
                "messages": channel_messages(unit, tp.view, channel.id, limit=30),
                "handled_by": [m["name"] for m in handled.get(channel.id, [])],
            }
        )
    offers = texts.offers_view(unit.session, unit.actor, track_id)
    return tp.context(
        ctx,
        unit,
        title=_("Mediator console"),
        channels=channels,
        offers=offers,
        pending=[o for o in offers["offers"] if o["status"] == "pending"],
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/console")
def console(request: Request, ctx: Ctx, track_id: int) -> Response:
    """All channels of the track side by side, and the offers waiting to be relayed."""
    return read_page(request, ctx, "console.html", _console_context, track_id)


@router.get("/tracks/{track_id}/console/channels")
def console_channels(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The channel columns alone (swapped in by htmx on a live update)."""
    return read_page(request, ctx, "_console_channels.html", _console_context, track_id)


@router.post("/tracks/{track_id}/offers/{offer}/decide")
async def decide_offer(request: Request, ctx: Ctx, track_id: int, offer: int) -> Response:
    """Forward an offer (as edited in the form) to the parties ticked, or decline it.

    The form's fields are read through the API's bodies (``ForwardIn``, ``DeclineIn``), so a
    value ``POST /api/tracks/{id}/offers/{n}/forward`` or ``.../decline`` refuses (a message
    over 20,000 characters, a reason over 5,000, a recipient that is not an id) is refused
    here at the same field, then through the generic ``forward_offer`` / ``decline_offer``
    schema and step, so an option off the agenda is refused at ``options`` as
    ``.../protocols/relay/forward_offer`` does; shown next to the field, the form keeps what
    was typed."""
    form = await request.form()
    options = {
        str(k)[7:]: str(v) for k, v in form.multi_items() if str(k).startswith("option:") and v
    }
    recipients = [str(v) for v in form.getlist("recipient")]
    message = str(form.get("message", ""))
    decline = form.get("decision") == "decline"
    reason = str(form.get("reason", ""))

    def build() -> Response:
        try:
            if decline:
                rule = relay.DECLINE_OFFER
                values: dict[str, Any] = {
                    "reason": validated(schemas.DeclineIn, {"reason": reason}).reason
                }
            elif not recipients:  # no box ticked: the API would forward to every other party
                raise e.ValidationFailed(
                    _("tick at least one party to forward the offer to"),
                    location="recipients",
                    expected=_("one or more parties"),
                )
            else:
                fields = {"recipients": recipients, "options": options, "message": message}
                body = validated(schemas.ForwardIn, fields)  # a recipient is an id
                rule = relay.FORWARD_OFFER
                values = {
                    "recipients": [str(r) for r in body.recipients or ()],
                    "options": body.options,
                    "message": body.message,
                }
            model = schema(relay.PROTOCOL, rule)  # the generic operation's schema and step
            generic = validated(model, {"offer": offer, **values})
            perform_step(ctx, track_id, relay.PROTOCOL, rule, generic)
        except (e.InputError, e.ProtocolError) as exc:
            typed = {"number": offer, "message": message, "reason": reason}
            shown = form_errors(exc)
            return form_again(
                request, ctx, "console.html", _console_context, track_id, typed=typed, **shown
            )
        return redirect(f"/tracks/{track_id}/console#offers")

    return await run_in_threadpool(run_page, request, build)
