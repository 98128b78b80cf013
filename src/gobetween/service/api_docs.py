"""``/api/docs``: the interactive API reference, from a vendored, pinned Swagger UI.

Swagger UI (:data:`SWAGGER_UI_VERSION`, Apache-2.0, ``service/static/swagger-ui/`` with its
licence and ``SOURCE.txt``) is served by this app: nothing comes from a CDN, and the page's
Content-Security-Policy lets it load only from its own origin. The online validator that
Swagger UI would call is turned off (``init.js``). The assets, the same for everyone, may be
cached for a day (the request guard leaves them out of ``no-store``), so a second visit loads
only the page and the OpenAPI description.

>>> sorted(ASSETS)[:2]
['favicon-32x32.png', 'init.js']
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gobetween.errors import NotFound
from gobetween.i18n import _

__all__ = ["ASSETS", "SWAGGER_UI_VERSION", "docs_page", "router"]

SWAGGER_UI_VERSION = "5.35.0"
FOLDER = Path(__file__).parent / "static" / "swagger-ui"
#: The files the page loads, with their content types.
ASSETS = {
    "favicon-32x32.png": "image/png",
    "init.js": "text/javascript",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
}
_PREFIX = "/api/docs/assets/"
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

router = APIRouter(include_in_schema=False)

_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gobetween API</title>
<link rel="icon" type="image/png" href="{_PREFIX}favicon-32x32.png">
<link rel="stylesheet" href="{_PREFIX}swagger-ui.css?v={SWAGGER_UI_VERSION}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{_PREFIX}swagger-ui-bundle.js?v={SWAGGER_UI_VERSION}"></script>
<script src="{_PREFIX}init.js?v={SWAGGER_UI_VERSION}"></script>
</body>
</html>
"""


@router.get("/api/docs")
def docs_page() -> HTMLResponse:
    """The Swagger UI page for ``/api/openapi.json``."""
    return HTMLResponse(
        _PAGE,
        headers={
            "Content-Security-Policy": _CSP,
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        },
    )


@functools.cache
def _load(name: str) -> tuple[bytes, str]:
    data = (FOLDER / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@router.get(_PREFIX + "{name}")
def asset(request: Request, name: str) -> Response:
    """One file of the vendored Swagger UI (404 for anything else)."""
    if name not in ASSETS:
        raise NotFound(_("no asset %(name)s") % {"name": name[:100]})
    data, etag = _load(name)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=ASSETS[name], headers=headers)
