"""The bidding page's older address: ``/tracks/{id}/bidding`` now leads to the generic page.

Double-blind bidding is served by the page of every protocol
(:mod:`gobetween.web.protocol_pages`, ``/tracks/{id}/protocols/blind_bidding``, rendering
``templates/blind_bidding.html``); its forms post to the generic actions. This module keeps the
address that links and the guide used working, as a redirect (303, the query kept).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gobetween.web.render import redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/tracks/{track_id}/bidding")
def bidding_page(request: Request, track_id: int) -> Response:
    """The generic page of the track's bidding."""
    query = f"?{request.url.query}" if request.url.query else ""
    return redirect(f"/tracks/{track_id}/protocols/blind_bidding{query}", request)
