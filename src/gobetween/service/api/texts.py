"""Routes: the single negotiating text (versions, answers) and relayed offers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gobetween.protocols.single_text import AnswerKind
from gobetween.service import schemas as s
from gobetween.service import texts
from gobetween.service.context import RequestContext, request_context

router = APIRouter(prefix="/api", tags=["negotiate"])
Ctx = Annotated[RequestContext, Depends(request_context)]


@router.get("/tracks/{track_id}/text")
def get_text(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The single text as the caller may see it: mediators see every answer, a party its own."""
    with ctx.read() as unit:
        return texts.text_view(unit.session, unit.actor, track_id)


@router.post("/tracks/{track_id}/text/versions", status_code=201)
def publish(track_id: s.Id, body: s.TextIn, ctx: Ctx) -> dict[str, Any]:
    """Publish the next version of the text (mediators)."""
    with ctx.write() as unit:
        version = texts.publish_text(
            unit.session,
            unit.actor,
            track_id,
            options=body.package,
            clauses=body.clauses,
            note=body.note,
            deadline=body.deadline,
            expected_number=body.expected_number,
        )
        return version.to_dict()


@router.post("/tracks/{track_id}/text/answers", status_code=201)
def answer(track_id: s.Id, body: s.AnswerIn, ctx: Ctx) -> dict[str, Any]:
    """Answer the current version for the caller's party: accept, reject or amend."""
    with ctx.write() as unit:
        return texts.answer_text(
            unit.session,
            unit.actor,
            track_id,
            version=body.version,
            kind=body.kind,
            reasons=body.reasons,
            amendments=body.amendments,
        )


@router.delete("/tracks/{track_id}/text/answers/{version}")
def withdraw(track_id: s.Id, version: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Withdraw the caller's party's answer to the current version."""
    with ctx.write() as unit:
        return texts.answer_text(
            unit.session,
            unit.actor,
            track_id,
            version=version,
            kind=AnswerKind.ACCEPT,
            withdraw=True,
        )


@router.get("/tracks/{track_id}/offers")
def get_offers(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Relayed offers: all for mediators; a party's own and those forwarded to it."""
    with ctx.read() as unit:
        return texts.offers_view(unit.session, unit.actor, track_id)


@router.post("/tracks/{track_id}/offers", status_code=201)
def submit(track_id: s.Id, body: s.OfferIn, ctx: Ctx) -> dict[str, Any]:
    """Send an offer to the mediators (party members)."""
    with ctx.write() as unit:
        return texts.submit_offer(
            unit.session, unit.actor, track_id, options=body.options, message=body.message
        )


@router.post("/tracks/{track_id}/offers/{offer}/forward")
def forward(track_id: s.Id, offer: s.Id, body: s.ForwardIn, ctx: Ctx) -> dict[str, Any]:
    """Forward an offer, possibly reworded, to other parties (mediators)."""
    with ctx.write() as unit:
        return texts.decide_offer(
            unit.session,
            unit.actor,
            track_id,
            offer,
            forward=True,
            recipients=body.recipients,
            options=body.options,
            message=body.message,
        )


@router.post("/tracks/{track_id}/offers/{offer}/decline")
def decline(track_id: s.Id, offer: s.Id, body: s.DeclineIn, ctx: Ctx) -> dict[str, Any]:
    """Decline to pass an offer on; the reason goes to its sender (mediators)."""
    with ctx.write() as unit:
        return texts.decide_offer(
            unit.session, unit.actor, track_id, offer, forward=False, reason=body.reason
        )
