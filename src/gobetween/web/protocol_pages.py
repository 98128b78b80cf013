"""The page of any registered protocol: ``/tracks/{id}/protocols/{name}``, from its template.

Every registered protocol is reached at that address. A protocol with a page of its own for
the caller's role (``page`` in its declaration, :func:`gobetween.protocols.registry.page_of`:
the single text's text and drafting pages, the relay's channel and console) is sent there
(303), once the policy has said the caller sees something of it; whoever sees nothing (no
seat in the track, or a role the protocol shows nothing) gets the 404 of a missing track,
the same page. For every other protocol this one page module renders ``templates/<name>.html``
with the caller's view (the same service call as the JSON twin
``GET /api/tracks/{id}/protocols/{name}``, so the policy decides what it shows) and posts each
action to ``/tracks/{id}/protocols/{name}/{action}``, whose fields are read through the API's
own schema for that action (:func:`gobetween.web.forms.validated`): a page cannot accept what
the API refuses. A refusal shows the page again (422) with the words next to the field.

The template gets: ``shown`` (the caller's view, ``None`` when they see nothing), ``protocol``,
``may_open`` (the caller may open it here; ``opening`` is that action's name), ``allowed`` (the
names of the actions the caller's seat allows), ``live_trigger`` (the htmx trigger of the
protocol's own live-update kinds), ``now`` (the time of the request, UTC, in the wire's ISO
form, for deadlines) and the frame of every track page. A form field left blank is not sent
to the schema when the action's field has a default (an empty choice, an optional number or
time), so the default applies, as when the API's body leaves it out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from gobetween import errors as e
from gobetween import wire
from gobetween.i18n import _
from gobetween.live import LiveUpdate
from gobetween.protocols import registry
from gobetween.protocols.base import ActionRule
from gobetween.protocols.registry import AnyProtocol
from gobetween.service import protocol_steps
from gobetween.service.api.protocols import schema
from gobetween.service.context import Unit
from gobetween.service.names import called
from gobetween.web.common import Ctx, TrackPage, track_page
from gobetween.web.data import stream_cursor
from gobetween.web.forms import form_errors, perform_step, validated
from gobetween.web.render import (
    FORM_ERRORS,
    environment,
    redirect,
    render,
    run_page,
    with_twin,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _missing() -> e.NotFound:
    return e.NotFound(_("This page does not exist, or you may not see it."))


def _registered(name: str) -> AnyProtocol:
    for protocol in registry.protocols():
        if protocol.name == name:
            return protocol
    raise _missing()


def _protocol(name: str) -> AnyProtocol:
    """A registered protocol served by this page (one with a template of that name)."""
    protocol = _registered(name)
    try:
        environment().get_template(f"{name}.html")
    except jinja2.TemplateNotFound:
        raise _missing() from None
    return protocol


def _own_page(unit: Unit, tp: TrackPage, protocol: AnyProtocol) -> str | None:
    """The address of ``protocol``'s own page for the caller's role (``None``: this page
    serves it); 404 when the caller's role sees nothing of it, as for a missing track."""
    own = registry.page_of(protocol, protocol_steps.role_of(tp.view)[0])
    if own is None:
        return None
    protocol_steps.show(unit.session, unit.actor, tp.track.id, protocol)
    return f"/tracks/{tp.track.id}/{own}"


def _rule(protocol: AnyProtocol, action: str) -> ActionRule:
    for rule in protocol.actions:
        if rule.name == action and rule.generic:
            return rule
    raise _missing()


def _kinds(protocol: AnyProtocol) -> list[str]:
    """What refreshes the page: the protocol's own kinds, and its opening (everyone's)."""
    return [LiveUpdate.PROTOCOL.value, *sorted(protocol.live_updates)]


def _context(
    ctx: Ctx, unit: Unit, tp: TrackPage, protocol: AnyProtocol, **more: Any
) -> dict[str, Any]:
    track_id = tp.track.id
    try:
        shown: dict[str, Any] | None = protocol_steps.show(
            unit.session, unit.actor, track_id, protocol
        )
    except e.NotFound:
        shown = None
    opener = protocol_steps.opening(protocol)
    may_open = (
        shown is None
        and opener is not None
        and tp.view.allows(opener)
        and protocol_steps.settings_of(unit.session, track_id, protocol) is None
    )
    own = tp.view.own_party
    allowed = {
        r.name
        for r in protocol.actions
        if r.generic and tp.view.allows(r, own if r.own_party else None)
    }
    title = _("%(protocol)s: %(track)s") % {
        "protocol": _(protocol.title),
        "track": called(tp.track),
    }
    return tp.context(
        ctx,
        unit,
        title=title,
        protocol=protocol,
        shown=shown,
        may_open=may_open,
        opening=opener.name if opener is not None else None,
        allowed=allowed,
        live_trigger=", ".join(f"gb-{k} from:body" for k in _kinds(protocol)),
        now=wire.time_to_wire(dt.datetime.now(dt.UTC)),
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/protocols/{name}")
def protocol_page(request: Request, ctx: Ctx, track_id: int, name: str) -> Response:
    """The protocol as the caller may see it, and the forms of what they may do."""

    def build() -> Response:
        with ctx.read() as unit:
            tp = track_page(unit, track_id)  # no seat: the 404 of a missing track
            own = _own_page(unit, tp, _registered(name))
            if own is not None:
                query = f"?{request.url.query}" if request.url.query else ""
                return redirect(own + query, request)
            protocol = _protocol(name)
            context = _context(ctx, unit, tp, protocol)
        response = render(request, f"{protocol.name}.html", context)
        return with_twin(response, f"/api/tracks/{track_id}/protocols/{protocol.name}")

    return run_page(request, build)


@router.post("/tracks/{track_id}/protocols/{name}/{action}")
async def protocol_action(
    request: Request, ctx: Ctx, track_id: int, name: str, action: str
) -> Response:
    """One action of the protocol from the page's form, read through the API's schema."""
    async with request.form() as form:
        values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}

    def build() -> Response:
        protocol = _protocol(name)
        rule = _rule(protocol, action)
        model = schema(protocol, rule)
        fields = {
            k: v
            for k, v in values.items()
            if k in model.model_fields and (v.strip() or model.model_fields[k].is_required())
        }
        try:
            body = validated(model, fields)
            perform_step(ctx, track_id, protocol, rule, body)
        except FORM_ERRORS as exc:
            with ctx.read() as unit:
                context = _context(
                    ctx,
                    unit,
                    track_page(unit, track_id),
                    protocol,
                    values=fields,
                    failed=action,
                    **form_errors(exc),
                )
            return render(request, f"{protocol.name}.html", context, status=422)
        return redirect(f"/tracks/{track_id}/protocols/{protocol.name}", request)

    return await run_in_threadpool(run_page, request, build)
