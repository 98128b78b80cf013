"""The vendored static assets (htmx, the style sheet, the small script), served by the app.

Files are read once from the package and answered with a content hash as ETag and a day of
caching; nothing is fetched from a CDN. :data:`BUDGET` is what one page may load in total.

>>> {'gobetween.css', 'gobetween.js', 'vendor/htmx/htmx.min.js'} <= set(asset_names())
True
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gobetween.errors import NotFound
from gobetween.web.render import error_page

__all__ = ["BUDGET", "STATIC", "asset_names", "router"]

STATIC = Path(__file__).parent / "static"
#: Bytes of vendored and own assets a page may load, at most.
BUDGET = 150 * 1024
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)


def asset_names() -> list[str]:
    """Paths (relative to the static folder) of every servable asset."""
    return [
        p.relative_to(STATIC).as_posix()
        for p in sorted(STATIC.rglob("*"))
        if p.is_file() and p.suffix in _TYPES
    ]


@functools.cache
def _load(name: str) -> tuple[bytes, str, str]:
    if name not in asset_names():
        raise NotFound(f"no asset {name}")
    data = (STATIC / name).read_bytes()
    return data, _TYPES[Path(name).suffix], '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@router.get("/static/{name:path}")
def asset(request: Request, name: str) -> Response:
    """One static asset (304 when the browser's copy is current)."""
    try:
        data, media, etag = _load(name)
    except NotFound as exc:
        return error_page(request, exc)
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media, headers=headers)
