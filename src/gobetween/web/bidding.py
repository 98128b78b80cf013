"""The bidding page of a track: a side's sealed bids, the mediators' view and their actions.

One address, ``/tracks/{id}/bidding``, for everyone with a seat: the mediators open a bidding
there, see both sides' bids, release each round's result and may close it; a side (payer or
payee) bids and reads its own bids and the released results. Every other member reads "no
bidding for you in this track", worded the same whether the track has a bidding between other
parties or none. The forms validate through the API's own schemas. JSON twin:
``GET /api/tracks/{id}/bidding``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from gobetween import errors as e
from gobetween.i18n import _
from gobetween.service import bidding
from gobetween.service.api.bidding import BiddingIn, BidIn, CloseIn, open_with
from gobetween.service.context import Unit
from gobetween.web.common import Ctx, track_page
from gobetween.web.data import stream_cursor
from gobetween.web.forms import validated
from gobetween.web.render import post_form, render, run_page, with_twin

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)


def _context(ctx: Ctx, unit: Unit, track_id: int, **more: Any) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    try:
        shown: dict[str, Any] | None = bidding.bidding_view(unit.session, unit.actor, track_id)
    except e.NotFound:
        shown = None
    numeric = [
        issue.name for issue in tp.agenda.issues if any(o.value is not None for o in issue.options)
    ]
    deadline = shown["rules"]["deadline"] if shown is not None else None
    now = dt.datetime.now(dt.UTC)
    return tp.context(
        ctx,
        unit,
        title=_("Bidding: %(track)s") % {"track": tp.track.name},
        bidding=shown,
        past_deadline=deadline is not None and dt.datetime.fromisoformat(deadline) < now,
        numeric_issues=numeric,
        parties=sorted(tp.view.party_ids, key=tp.party_name),
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/bidding")
def bidding_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The track's bidding as the caller may see it."""

    def build() -> Response:
        with ctx.read() as unit:
            context = _context(ctx, unit, track_id)
        response = render(request, "bidding.html", context)
        return with_twin(response, f"/api/tracks/{track_id}/bidding")

    return run_page(request, build)


def _checked(model: type[M], values: dict[str, Any]) -> M:
    """``values`` read through the API's schema: the same rules, one error naming the field
    in the reader's language (:func:`gobetween.web.forms.validated`)."""
    return validated(model, values)


def _form_failed(request: Request, ctx: Ctx, track_id: int) -> Callable[[str], Response]:
    def failed(message: str) -> Response:
        with ctx.read() as unit:
            context = _context(ctx, unit, track_id, error=message)
        return render(request, "bidding.html", context, status=422)

    return failed


def _blank_to_none(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: (None if k in names and not str(v).strip() else v) for k, v in values.items()}


@router.post("/tracks/{track_id}/bidding")
async def open_bidding(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A mediator opens the bidding (the form of the page)."""

    def work(values: dict[str, Any]) -> str:
        raw = _blank_to_none(values, "issue", "deadline", "unit", "relative", "absolute")
        body = _checked(
            BiddingIn,
            {
                "payer": raw.get("payer"),
                "payee": raw.get("payee"),
                "issue": raw.get("issue"),
                "max_rounds": raw.get("max_rounds") or 3,
                "tolerance": {
                    "relative": float(raw["relative"]) / 100 if raw.get("relative") else 0.0,
                    "absolute": raw.get("absolute") or 0.0,
                },
                "monotone": values.get("monotone") == "on",
                "deadline": raw.get("deadline"),
                "unit": raw.get("unit"),
            },
        )
        with ctx.write() as unit:
            open_with(unit.session, unit.actor, track_id, body)
        return f"/tracks/{track_id}/bidding"

    return await post_form(request, _guarded(work), _form_failed(request, ctx, track_id))


def _guarded(work: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    """A form's work with a number that is no number (the tolerance in per cent, read with
    ``float``) reported as a form error at that field, in the reader's language."""

    def run(values: dict[str, Any]) -> str:
        try:
            return work(values)
        except ValueError as exc:
            if isinstance(exc, e.GobetweenError):
                raise
            raise e.ValidationFailed(_("a number is expected"), location="relative") from None

    return run


@router.post("/tracks/{track_id}/bidding/bids")
async def submit_bid(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A side's sealed bid (the form of the page)."""

    def work(values: dict[str, Any]) -> str:
        body = _checked(BidIn, {"round": values.get("round"), "amount": values.get("amount")})
        with ctx.write() as unit:
            bidding.submit_bid(
                unit.session, unit.actor, track_id, round_number=body.round, amount=body.amount
            )
        return f"/tracks/{track_id}/bidding"

    return await post_form(request, work, _form_failed(request, ctx, track_id))


@router.post("/tracks/{track_id}/bidding/release")
async def release_result(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A mediator releases the waiting round's result to both sides."""

    def work(values: dict[str, Any]) -> str:
        with ctx.write() as unit:
            bidding.release_result(unit.session, unit.actor, track_id)
        return f"/tracks/{track_id}/bidding"

    return await post_form(request, work, _form_failed(request, ctx, track_id))


@router.post("/tracks/{track_id}/bidding/close")
async def close_bidding(request: Request, ctx: Ctx, track_id: int) -> Response:
    """A mediator ends the bidding early."""

    def work(values: dict[str, Any]) -> str:
        body = _checked(CloseIn, {"reason": values.get("reason", "")})
        with ctx.write() as unit:
            bidding.close_bidding(unit.session, unit.actor, track_id, reason=body.reason)
        return f"/tracks/{track_id}/bidding"

    return await post_form(request, work, _form_failed(request, ctx, track_id))
