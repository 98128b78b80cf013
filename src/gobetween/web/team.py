"""Pages of the team's tools: signing keys, mediators' notes and assignments, meetings, search.

Each page calls the same service functions as its JSON twin (so the policy decides what it
shows) and names it in a ``Link: <...>; rel="alternate"`` header:

- ``/keys``: ``GET /api/processes/{id}/keys``; keys are made, backed up and restored in the
  browser by ``static/keys.js`` (WebCrypto); confirming and revoking post forms here;
- ``/tracks/{id}/team``: ``GET /api/tracks/{id}/notes`` and ``.../assignments`` (mediators);
- ``/tracks/{id}/meetings``: ``GET /api/tracks/{id}/meetings`` (mediators and parties);
- ``/search``: ``GET /api/search``.

The notes, assignments and meetings forms are read as their twins' bodies (``NoteIn``,
``AssignmentIn``, ``MeetingIn``, :func:`gobetween.web.forms.validated`): what the API refuses
the page refuses at the same field, next to it (422), the form as typed, nothing cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _
from gobetween.policy import Action
from gobetween.service import meetings, notes, search, signing_keys
from gobetween.service.api.agree import RevocationIn
from gobetween.service.api.team import AssignmentIn, MeetingIn, NoteIn
from gobetween.service.context import Unit
from gobetween.web.common import Ctx, frame, track_page
from gobetween.web.forms import form_errors, validated
from gobetween.web.render import (
    FORM_ERRORS,
    done_notice,
    form_again,
    problem_text,
    read_page,
    redirect,
    render,
    run_page,
    with_twin,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# -- signing keys --------------------------------------------------------------------------------


def _keys_context(ctx: Ctx, unit: Unit, **more: Any) -> dict[str, Any]:
    return {
        **frame(ctx, unit),
        "title": _("Signing keys"),
        "processes": signing_keys.keys_overview(unit.session, unit.actor),
        "me": unit.actor.user_id,
        **more,
    }


@router.get("/keys")
def keys_page(request: Request, ctx: Ctx) -> Response:
    """Your signing keys: make one in this browser, back it up, restore it, revoke it; for
    administrators, the keys waiting for confirmation."""
    notice = done_notice(request)

    def build() -> Response:
        with ctx.read() as unit:
            context = _keys_context(ctx, unit, notice=notice)
            first = context["processes"][0]["id"] if context["processes"] else None
        response = render(request, "keys.html", context)
        return with_twin(response, f"/api/processes/{first}/keys") if first else response

    return run_page(request, build)


async def _key_action(request: Request, ctx: Ctx, key_id: int, act: str) -> Response:
    """Confirm a key, or revoke it with a reason read as ``RevocationIn`` (the API's body)."""

    def work(values: dict[str, Any]) -> str:
        with ctx.write() as unit:
            if act == "confirm":
                signing_keys.confirm_key(unit.session, unit.actor, key_id)
                return "/keys?done=key-confirmed"
            body = validated(RevocationIn, {"reason": values.get("reason", "")})
            signing_keys.revoke_key(unit.session, unit.actor, key_id, body.reason)
            return "/keys?done=key-revoked"

    return await _sent(request, ctx, ("keys.html", _keys_context, ()), f"{act}:{key_id}", work)


@router.post("/keys/{key_id}/confirm")
async def confirm_key(request: Request, ctx: Ctx, key_id: int) -> Response:
    """A process admin confirms a key."""
    return await _key_action(request, ctx, key_id, "confirm")


@router.post("/keys/{key_id}/revoke")
async def revoke_key(request: Request, ctx: Ctx, key_id: int) -> Response:
    """The key's holder or a process admin revokes it."""
    return await _key_action(request, ctx, key_id, "revoke")


# -- the team page: notes and assignments -------------------------------------------------------


def _team_context(ctx: Ctx, unit: Unit, /, track_id: int, **more: Any) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    all_notes = notes.notes(unit.session, unit.actor, track_id)
    rows = notes.assignments(unit.session, unit.actor, track_id)
    return tp.context(
        ctx,
        unit,
        title=_("Team notes"),
        notes=all_notes,
        assignments=[{**r, "party": tp.party_name(r["party_id"])} for r in rows],
        mediators=notes.team_mediators(unit.session, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/team")
def team_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The mediators' private notes and who handles which channel (mediators only)."""
    return with_twin(
        read_page(request, ctx, "team.html", _team_context, track_id),
        f"/api/tracks/{track_id}/notes",
    )


#: A page's template, the function making its context and that function's arguments.
Page = tuple[str, Callable[..., dict[str, Any]], tuple[Any, ...]]


async def _sent(
    request: Request, ctx: Ctx, page: Page, form: str, work: Callable[[dict[str, Any]], str]
) -> Response:
    """Run a form's ``work`` (it reads the fields through the API's body and answers where to
    go next); refused, the ``page`` again with the refusal next to its field, the form
    (``failed``) as typed."""
    async with request.form() as sent:
        values: dict[str, Any] = {k: str(v) for k, v in sent.multi_items() if isinstance(v, str)}
        values["party_ids"] = [str(v) for v in sent.getlist("party_ids")]
    template, make, args = page

    def build() -> Response:
        try:
            target = work(values)
        except FORM_ERRORS as exc:
            refusal = form_errors(exc)
            return form_again(
                request, ctx, template, make, *args, failed=form, values=values, **refusal
            )
        return redirect(target, request)

    return await run_in_threadpool(run_page, request, build)


async def _team_post(
    request: Request,
    ctx: Ctx,
    track_id: int,
    form: str,
    act: Callable[[Unit, dict[str, Any]], str],
) -> Response:
    def work(values: dict[str, Any]) -> str:
        with ctx.write() as unit:
            anchor = act(unit, values)
        return f"/tracks/{track_id}/team#{anchor}"

    return await _sent(request, ctx, ("team.html", _team_context, (track_id,)), form, work)


def _id(values: dict[str, Any], name: str) -> str | None:
    """An id field for the schema to read (left empty: ``None``)."""
    return str(values.get(name, "")).strip() or None


@router.post("/tracks/{track_id}/notes")
async def add_note(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Write a note on the track or one of its channels."""

    def act(unit: Unit, values: dict[str, Any]) -> str:
        body = {"text": values.get("text", ""), "channel_id": _id(values, "channel_id")}
        note = validated(NoteIn, body)
        added = notes.add_note(
            unit.session, unit.actor, track_id, note.text, channel_id=note.channel_id
        )
        return f"note-{added['id']}"

    return await _team_post(request, ctx, track_id, "note", act)


@router.post("/tracks/{track_id}/notes/{note_id}/delete")
async def delete_note(request: Request, ctx: Ctx, track_id: int, note_id: int) -> Response:
    """Delete a note."""

    def act(unit: Unit, values: dict[str, Any]) -> str:
        notes.delete_note(unit.session, unit.actor, note_id)
        return "notes"

    return await _team_post(request, ctx, track_id, "delete", act)


@router.post("/tracks/{track_id}/assignments")
async def change_assignment(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Give a channel to a mediator, or take it from them."""

    def act(unit: Unit, values: dict[str, Any]) -> str:
        channel, user = _id(values, "channel_id"), _id(values, "user_id")
        if channel is None or user is None:  # the page's words, at the API's place
            raise e.ValidationFailed(
                _("choose a channel and a mediator"), location="user_id", expected=_("both")
            )
        body = validated(AssignmentIn, {"channel_id": channel, "user_id": user})
        change = notes.unassign if values.get("remove") else notes.assign
        change(unit.session, unit.actor, track_id, body.channel_id, body.user_id)
        return "assignments"

    return await _team_post(request, ctx, track_id, "assignment", act)


# -- meetings ------------------------------------------------------------------------------------


def _meetings_context(ctx: Ctx, unit: Unit, /, track_id: int, **more: Any) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    tp.view.require(Action.READ_PARTY_DATA)
    return tp.context(
        ctx,
        unit,
        title=_("Meetings"),
        meetings=meetings.meetings(unit.session, unit.actor, track_id),
        may_record=tp.view.allows(Action.RECORD_MEETINGS),
        kinds=meetings.MEETING_KINDS,
        **more,
    )


@router.get("/tracks/{track_id}/meetings")
def meetings_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The record of meetings: all of them for mediators, a party's own for its members."""
    return with_twin(
        read_page(request, ctx, "meetings.html", _meetings_context, track_id),
        f"/api/tracks/{track_id}/meetings",
    )


def _held_at(values: dict[str, str]) -> dt.datetime:
    raw, zone = values.get("held_at", ""), values.get("zone", "UTC")
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise e.ValidationFailed(
            _("not a date and time"),
            location="held_at",
            expected=_("a date and time as YYYY-MM-DDTHH:MM"),
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@router.post("/tracks/{track_id}/meetings")
async def record_meeting(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Record a meeting (mediators); follow-ups one per line."""
    zone = i18n.current_zone()  # the reader's zone: a time typed without one is theirs

    def work(values: dict[str, Any]) -> str:
        lines = [x.strip() for x in values.get("follow_ups", "").splitlines() if x.strip()]
        body = validated(
            MeetingIn,
            {
                "held_at": _held_at({**values, "zone": zone}),
                "kind": values.get("kind", "meeting"),
                "place": values.get("place", ""),
                "party_ids": values["party_ids"],
                "attendees": values.get("attendees", ""),
                "summary": values.get("summary", ""),
                "follow_ups": [{"text": x} for x in lines],
            },
        )
        fields = body.model_dump(exclude={"follow_ups"})
        follow_ups = [{"text": f.text} for f in body.follow_ups]
        with ctx.write() as unit:
            made = meetings.record_meeting(
                unit.session, unit.actor, track_id, **fields, follow_ups=follow_ups
            )
        return f"/tracks/{track_id}/meetings#meeting-{made['id']}"

    page = ("meetings.html", _meetings_context, (track_id,))
    return await _sent(request, ctx, page, "meeting", work)


# -- search --------------------------------------------------------------------------------------


@router.get("/search")
def search_page(request: Request, ctx: Ctx) -> Response:
    """Search everything you may read: messages, notes, texts, meetings."""
    q = request.query_params.get("q", "")[: search.MAX_QUERY + 1]

    def build() -> Response:
        with ctx.read() as unit:
            result, error = None, None
            if q.strip():
                try:
                    result = search.search(unit.session, unit.actor, q)
                except e.ValidationFailed as exc:
                    error = problem_text(exc)
            context = {
                **frame(ctx, unit),
                "title": _("Search"),
                "q": q,
                "result": result,
                "error": error,
            }
        response = render(request, "search.html", context, status=422 if error else 200)
        return with_twin(response, f"/api/search?q={quote(q)}")

    return run_page(request, build)
