"""Routes: rehearse a draft or a published version (see :mod:`gobetween.service.rehearse`).

Mediators only: to anyone else the rehearsal of a draft answers 404 like a draft that does not
exist, and the rehearsal of a version like a version that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from gobetween.service import rehearse
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, reading

router = APIRouter(prefix="/api", tags=["decide"])
Behaviour = Annotated[
    Literal["truthful", "exaggerating", "stubborn"],
    Query(description="How the simulated delegations behave (truthful by default)."),
]


@router.get("/tracks/{track_id}/text/drafts/{draft_id}/rehearsal")
def rehearse_draft(
    track_id: s.Id, draft_id: s.Id, ctx: Ctx, behaviour: Behaviour = "truthful"
) -> dict[str, Any]:
    """How each party's simulated delegation would answer the draft, article by article."""
    return reading(ctx, rehearse.rehearse_draft, track_id, draft_id, behaviour=behaviour)


@router.get("/tracks/{track_id}/text/versions/{version}/rehearsal")
def rehearse_version(
    track_id: s.Id, version: s.Id, ctx: Ctx, behaviour: Behaviour = "truthful"
) -> dict[str, Any]:
    """How each party's simulated delegation would answer a published version, article by
    article."""
    return reading(ctx, rehearse.rehearse_version, track_id, version, behaviour=behaviour)
