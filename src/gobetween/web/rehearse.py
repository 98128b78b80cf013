"""The mediators' "rehearse this text" pages: how simulated delegations built from the parties'
recorded preferences would answer a draft or a published version, article by article.

- ``GET /tracks/{id}/drafts/{draft}/rehearsal`` and ``GET /tracks/{id}/versions/{n}/rehearsal``
  (``?behaviour=truthful|exaggerating|stubborn``): the answers, one card per party. The draft
  page's "Rehearse this draft" button loads the same page's ``#rehearsal`` panel in place (htmx)
  or opens it (without script).

JSON twins: ``/api/tracks/{id}/text/drafts/{draft}/rehearsal`` and
``/api/tracks/{id}/text/versions/{n}/rehearsal``. To anyone but the track's mediators both the
pages and the twins answer 404, as for a draft or version that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gobetween.i18n import _
from gobetween.service import rehearse
from gobetween.service.context import Unit
from gobetween.web.common import Ctx, track_page
from gobetween.web.render import render, run_page, with_twin

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _behaviour(request: Request) -> str:
    chosen = request.query_params.get("behaviour", "truthful")
    return chosen if chosen in rehearse.BEHAVIOUR_NAMES else "truthful"


def _page(
    request: Request,
    ctx: Ctx,
    track_id: int,
    api: str,
    title: str,
    load: Callable[[Unit, str], dict[str, Any]],
) -> Response:
    behaviour = _behaviour(request)

    def build() -> Response:
        with ctx.read() as unit:
            result = load(unit, behaviour)  # 404 first, before anything about the track shows
            tp = track_page(unit, track_id)
            context = tp.context(
                ctx,
                unit,
                title=title,
                rehearsal=result,
                behaviour=behaviour,
                behaviours=rehearse.BEHAVIOUR_NAMES,
                rehearsal_path=request.url.path,
            )
        response = render(request, "rehearse.html", context)
        return with_twin(response, f"{api}?behaviour={behaviour}")

    return run_page(request, build)


@router.get("/tracks/{track_id}/drafts/{draft_id}/rehearsal")
def draft_rehearsal(request: Request, ctx: Ctx, track_id: int, draft_id: int) -> Response:
    """How each party's simulated delegation would answer the draft."""
    return _page(
        request,
        ctx,
        track_id,
        f"/api/tracks/{track_id}/text/drafts/{draft_id}/rehearsal",
        _("Rehearsal of a draft"),
        lambda unit, behaviour: rehearse.rehearse_draft(
            unit.session, unit.actor, track_id, draft_id, behaviour=behaviour
        ),
    )


@router.get("/tracks/{track_id}/versions/{version}/rehearsal")
def version_rehearsal(request: Request, ctx: Ctx, track_id: int, version: int) -> Response:
    """How each party's simulated delegation would answer a published version."""
    return _page(
        request,
        ctx,
        track_id,
        f"/api/tracks/{track_id}/text/versions/{version}/rehearsal",
        _("Rehearsal of version %(number)s") % {"number": version},
        lambda unit, behaviour: rehearse.rehearse_version(
            unit.session, unit.actor, track_id, version, behaviour=behaviour
        ),
    )
