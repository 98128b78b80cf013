"""``/api/docs``: the interactive API reference, from a vendored, pinned Swagger UI.

Swagger UI (:data:`SWAGGER_UI_VERSION`, Apache-2.0, ``service/static/swagger-ui/`` with its
licence and ``SOURCE.txt``) is served by this app: nothing comes from a CDN, and the page's
Content-Security-Policy lets it load only from its own origin. The online validator that
Swagger UI would call is turned off (``init.js``). The assets, the same for everyone, may be
cached for a day (the request guard leaves them out of ``no-store``), so a second visit loads
only the page and the OpenAPI description.

Languages: the page (``<html lang dir>``, its title) is in the reader's language, and Swagger
UI loads ``/api/docs/openapi.json``, the app's OpenAPI description with the API's introduction
and the description of each group of operations (:data:`TAGS`) in the reader's language
(Accept-Language, or the language cookie of the site), and every operation's summary and
description in it too (:mod:`gobetween.service.api_docs_words`); ``/api/openapi.json`` stays the
one canonical English description for clients. Swagger UI's own words (5.35.0 has no
translation mechanism) come with the page, translated, and ``init.js`` puts them in place as
Swagger UI draws. What stays as written: the names of paths, fields and schemas (they are the
API itself).

>>> sorted(ASSETS)[:2]
['favicon-32x32.png', 'init.js']
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import escape

from gobetween import i18n
from gobetween.errors import NotFound
from gobetween.i18n import _, _l
from gobetween.service import api_docs_words

__all__ = ["ASSETS", "DESCRIPTION", "SWAGGER_UI_VERSION", "TAGS", "docs_page", "router"]

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

#: The API's introduction, in the reader's language (``info.description``).
DESCRIPTION = _l(
    "gobetween's API for mediated negotiation: prepare a process, negotiate in private channels, "
    "analyse, draft the single text, make and sign the agreement, keep the joint record. Every "
    "error is application/problem+json: a stable English title for programs and a detail in "
    "your language."
)
#: What each group of operations (OpenAPI tag) is for, in the reader's language.
TAGS = {
    "prepare": _l("Preparing: processes, organisations, members, tracks and their agendas."),
    "negotiate": _l(
        "Negotiating: private channels, messages, preferences, the single text and its answers, "
        "offers relayed through the mediators, bidding."
    ),
    "decide": _l("The mediators' analysis: zone of agreement, Pareto frontier, solutions."),
    "scores": _l("How the parties' preferences score a package (mediators only)."),
    "agree": _l("Agreements: keys, instruments, signatures, verification and their lifecycle."),
    "implement": _l("The joint record: events, figures and what the public sees."),
    "events": _l("Live updates of what you may read."),
    "auth": _l("Signing in: sessions, passwords and API tokens."),
    "account": _l("Your own account: signed-in sessions, security log and two-step sign-in."),
    "languages": _l("Working languages of processes and tracks, and translations."),
    "setup": _l("Setting up the installation, and resetting a password."),
    "team": _l("The mediation team's own notes and work."),
    "protocols": _l(
        "Negotiation protocols of a track, whatever the protocol: which ones the track runs, "
        "your view of one, and each protocol's actions with their own request schemas."
    ),
}

_PAGE = f"""<!DOCTYPE html>
<html lang="{{lang}}" dir="{{dir}}">
<head>
<meta charset="utf-8">
<title>{{title}}</title>
<link rel="icon" type="image/png" href="{_PREFIX}favicon-32x32.png">
<link rel="stylesheet" href="{_PREFIX}swagger-ui.css?v={SWAGGER_UI_VERSION}">
<style>
.response-control-media-type__accept-message {{{{ display: none; }}}}
[dir=rtl] .swagger-ui pre, [dir=rtl] .swagger-ui code, [dir=rtl] .swagger-ui .opblock-summary-path,
[dir=rtl] .swagger-ui .info .link, [dir=rtl] .swagger-ui .info .url, [dir=rtl] .swagger-ui input,
[dir=rtl] .swagger-ui textarea {{{{ direction: ltr; unicode-bidi: isolate; text-align: left; }}}}
</style>
</head>
<body>
<div id="swagger-ui" data-words="{{words}}"></div>
<script src="{_PREFIX}swagger-ui-bundle.js?v={SWAGGER_UI_VERSION}"></script>
<script src="{_PREFIX}init.js?v={SWAGGER_UI_VERSION}"></script>
</body>
</html>
"""


@router.get("/api/docs")
def docs_page() -> HTMLResponse:
    """The Swagger UI page for the OpenAPI description, in the reader's language."""
    page = _PAGE.format(
        lang=i18n.current_locale(),
        dir=i18n.direction(),
        title=escape(_("gobetween API")),
        words=escape(json.dumps(api_docs_words.chrome_words(), ensure_ascii=False)),
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": _CSP,
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/api/docs/openapi.json")
def localized_openapi(request: Request) -> JSONResponse:
    """The app's OpenAPI description with its introduction, groups and operations' summaries
    and descriptions in the reader's language (what Swagger UI at ``/api/docs`` shows); paths,
    fields and schemas are unchanged."""
    schema: dict[str, Any] = copy.deepcopy(request.app.openapi())
    schema["info"]["description"] = str(DESCRIPTION)
    api_docs_words.localize(schema)
    used = {
        tag
        for operations in schema.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", [])
    }
    schema["tags"] = [
        {"name": tag, "description": str(TAGS[tag])} if tag in TAGS else {"name": tag}
        for tag in sorted(used)
    ]
    return JSONResponse(
        schema, headers={"Content-Language": i18n.current_locale(), "Vary": "Accept-Language"}
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
