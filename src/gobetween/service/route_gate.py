"""A group of routers that says at once when a request's path can be none of its routes'.

FastAPI (0.165) keeps each included router as one route of the app: asked whether a request is
its own, it walks every route it holds, a regular expression and some bookkeeping each. The app
asks its routers in turn, so when the pages (:mod:`gobetween.web`) came after the JSON API, each
page request was tried against the API's 170-odd routes first: 0.53-0.61 ms of CPU before its
route was found, against 0.12-0.13 ms now (``python -m benchmarks.routing``, docs/benchmarks.md).
The pages now come first, in a gated group, which a JSON API path passes in microseconds.

:func:`gated` includes routers in one :class:`GatedRouter`, which knows the paths its routes
take: the whole path of a route without parameters (``/login``), the literal start of one with
parameters (``/tracks/`` of ``/tracks/{track_id}/channel``) or of a mount. A path that is none
of the first and starts with none of the second is not the group's, whatever the parameters,
so it answers "no match" without walking its routes; a path that may be its own is matched
exactly as before. Where a route's path cannot be read (a kind of route FastAPI may add), the
group walks its routes as a plain router does.

>>> from fastapi import APIRouter
>>> r = APIRouter()
>>> @r.get("/tracks/{track_id}")
... def track(track_id: int) -> int:
...     return track_id
>>> @r.get("/login")
... def login() -> str:
...     return "form"
>>> gated([r]).gate
(frozenset({'/login'}), ('/tracks/',))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route, WebSocketRoute
from starlette.types import Scope

__all__ = ["Gate", "GatedRouter", "gated"]

#: The whole paths a group's routes take, and the starts of the paths they may take.
Gate = tuple[frozenset[str], tuple[str, ...]]


class GatedRouter(APIRouter):
    """An :class:`~fastapi.APIRouter` that refuses at once a path none of its routes can take
    (:attr:`gate`; ``None``: not known, so never refused early)."""

    gate: Gate | None = None

    def admits(self, path: str) -> bool:
        """Whether ``path`` may be one of this router's routes' (always, without a gate)."""
        if self.gate is None:
            return True
        whole, starts = self.gate
        return path in whole or path.startswith(starts)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Whether the request is one of this router's routes'; "no match" at once when its
        path is not :meth:`admitted <admits>`."""
        if not self.admits(get_route_path(scope)):
            return Match.NONE, {}
        return super().matches(scope)


def gated(routers: Iterable[APIRouter]) -> GatedRouter:
    """``routers`` included, in their order, in one :class:`GatedRouter`."""
    group = GatedRouter()
    for router in routers:
        group.include_router(router)
    whole: set[str] = set()
    starts: set[str] = set()
    if _paths(group.routes, "", whole, starts):
        group.gate = (frozenset(whole), tuple(sorted(starts)))
    return group


def _paths(routes: Sequence[BaseRoute], prefix: str, whole: set[str], starts: set[str]) -> bool:
    """Add to ``whole`` and ``starts`` the paths ``routes`` take (included routers walked);
    ``False`` where one route's path cannot be read."""
    for route in routes:
        path = getattr(route, "path", None)
        if isinstance(path, str):
            literal, brace, _rest = path.partition("{")
            exact = isinstance(route, Route | WebSocketRoute) and not brace
            (whole if exact else starts).add(prefix + literal)
            continue
        inner: Any = getattr(route, "original_router", None)  # an included router
        extra = getattr(getattr(route, "include_context", None), "prefix", None)
        if inner is None or not isinstance(extra, str):
            return False
        if not _paths(inner.routes, prefix + extra, whole, starts):
            return False
    return True
