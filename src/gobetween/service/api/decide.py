"""Routes: mediator decision support (analysis, improving a package), bounded and lock-free."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gobetween.service import decide
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx

router = APIRouter(prefix="/api", tags=["decide"])


@router.get("/tracks/{track_id}/analysis")
async def analysis(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Frontier, bargaining solutions, ZOPA and trade-off hints (mediators; cached).

    Computed in a worker process outside any transaction or lock, within the size and time
    limits of the settings (422 beyond them; 429 when too many analyses run at once).
    """
    return await decide.track_analysis(ctx, track_id)


@router.post("/tracks/{track_id}/analysis/improve")
async def improve(track_id: s.Id, body: s.ImproveIn, ctx: Ctx) -> dict[str, Any]:
    """Packages that every party prefers to the one given (mediators; same limits)."""
    return await decide.improve_package(ctx, track_id, body.package)
