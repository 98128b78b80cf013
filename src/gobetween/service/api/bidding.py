"""Routes: a track's double-blind bidding (open, bid, release a round's result, close, read)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AwareDatetime, Field
from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.service import bidding
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, reading, writing
from gobetween.service.api.protocols import stepping

router = APIRouter(prefix="/api", tags=["negotiate"])

Amount = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]


class ToleranceIn(s.In):
    relative: Annotated[float, Field(ge=0, lt=1)] = 0.0
    absolute: Amount = 0.0


class BiddingIn(s.In):
    payer: s.RefId
    payee: s.RefId
    issue: s.Name | None = None
    max_rounds: Annotated[int, Field(ge=1, le=bidding.MAX_ROUNDS)] = 3
    tolerance: ToleranceIn = Field(default_factory=ToleranceIn)
    monotone: bool = True
    deadline: AwareDatetime | None = None
    unit: Annotated[s.Str, Field(max_length=40)] | None = None


class BidIn(s.In):
    round: Annotated[int, Field(ge=1, le=bidding.MAX_ROUNDS)]
    amount: Amount


class CloseIn(s.In):
    reason: Annotated[s.Str, Field(max_length=2000)] = ""


def open_with(session: Session, actor: Actor, track_id: int, body: BiddingIn) -> dict[str, Any]:
    """Open a bidding as ``body`` says (the API's route and the page's form both call this)."""
    return bidding.open_bidding(
        session,
        actor,
        track_id,
        payer=body.payer,
        payee=body.payee,
        issue=body.issue,
        max_rounds=body.max_rounds,
        relative=body.tolerance.relative,
        absolute=body.tolerance.absolute,
        monotone=body.monotone,
        deadline=body.deadline,
        unit=body.unit,
    )


@router.get("/tracks/{track_id}/bidding")
def get_bidding(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The track's bidding as the caller may see it: the mediators every bid and result, a
    side its own bids and the released results; anyone else 404."""
    return reading(ctx, bidding.bidding_view, track_id)


@router.post("/tracks/{track_id}/bidding", status_code=201)
def open_bidding(track_id: s.Id, body: BiddingIn, ctx: Ctx) -> dict[str, Any]:
    """Open the track's bidding (mediators): payer, payee, the issue and the rules."""
    return writing(ctx, open_with, track_id, body)


@router.post("/tracks/{track_id}/bidding/bids")
def submit_bid(track_id: s.Id, body: BidIn, ctx: Ctx) -> dict[str, Any]:
    """A side's sealed bid for the open round; the answer is the side's own view."""
    return stepping(
        ctx,
        bidding.PROTOCOL,
        bidding.submit_bid,
        track_id,
        round_number=body.round,
        amount=body.amount,
    )


@router.post("/tracks/{track_id}/bidding/release")
def release_result(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Release the waiting round's result to both sides at once (mediators)."""
    return stepping(ctx, bidding.PROTOCOL, bidding.release_result, track_id)


@router.post("/tracks/{track_id}/bidding/close")
def close_bidding(track_id: s.Id, body: CloseIn, ctx: Ctx) -> dict[str, Any]:
    """End the bidding early (mediators); both sides are told."""
    return stepping(ctx, bidding.PROTOCOL, bidding.close_bidding, track_id, reason=body.reason)
