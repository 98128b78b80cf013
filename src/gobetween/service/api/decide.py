"""Routes: mediator decision support (analysis, improving a package)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gobetween.service import decide
from gobetween.service import schemas as s
from gobetween.service.context import RequestContext, request_context

router = APIRouter(prefix="/api", tags=["decide"])
Ctx = Annotated[RequestContext, Depends(request_context)]


@router.get("/tracks/{track_id}/analysis")
def analysis(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Frontier, bargaining solutions, ZOPA and trade-off hints (mediators; cached)."""
    with ctx.write() as unit:  # a miss stores the computed analysis in the cache
        return decide.track_analysis(unit.session, unit.actor, track_id)


@router.post("/tracks/{track_id}/analysis/improve")
def improve(track_id: s.Id, body: s.ImproveIn, ctx: Ctx) -> dict[str, Any]:
    """Packages that every party prefers to the one given (mediators)."""
    with ctx.read() as unit:
        return decide.improve_package(unit.session, unit.actor, track_id, body.package)
