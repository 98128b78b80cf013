"""The pages' group of routes refuses a JSON API path at once, and refuses no path that one of
its routes takes (``service/route_gate.py``, ``service/app.py``).

Before, every page request was tried against each of the API's 170-odd routes before its own
(0.53-0.61 ms of CPU per page, against 0.12-0.13 ms now: ``python -m benchmarks.routing``); the
pages now come first, in a group that knows which paths its routes take.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, Route
from tests.service.asgi import client
from tests.service.world import World, make_settings

from gobetween.service.api import negotiate
from gobetween.service.app import create_app
from gobetween.service.route_gate import GatedRouter, gated
from gobetween.web import fallback
from gobetween.web import router as web_router


def _routes(routes: list[BaseRoute]) -> Iterator[Route]:
    """Every route with a path and methods, included routers walked."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        elif isinstance(route, Route) and route.methods:
            yield route


def _scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}


#: A path parameter's value as a browser may send it (no slash).
values = st.text(alphabet="abz019-_.~%", min_size=1, max_size=12)


@functools.cache
def _pages() -> GatedRouter:
    return gated([web_router])


@settings(deadline=None)  # one example walks every page route: its time is not the question
@given(data=st.data())
def test_the_gate_refuses_no_path_a_page_route_takes(data: st.DataObject) -> None:
    group = _pages()
    assert group.gate is not None  # every page route's path could be read
    for route in _routes(group.routes):
        path = re.sub(r"\{[^}]+\}", lambda _m: data.draw(values), route.path)
        if route.path_regex.match(path) is None:
            continue  # a convertor the value does not suit (an int parameter, say)
        assert group.admits(path), path


def test_a_json_api_path_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """No route of the group is asked: the gate answers from the path alone."""
    group = gated([web_router])
    walked: list[str] = []

    def walk(self: GatedRouter, scope: dict[str, Any]) -> tuple[Match, dict[str, Any]]:
        walked.append(scope["path"])
        return Match.NONE, {}

    monkeypatch.setattr("fastapi.APIRouter.matches", walk)
    for path in ("/api/channels/1/messages", "/api/tracks/7/offers", "/api/docs", "/api"):
        assert group.matches(_scope(path)) == (Match.NONE, {})
    assert walked == []
    group.matches(_scope("/tracks/7/channel"))  # a page's path is walked as before
    assert walked == ["/tracks/7/channel"]


def test_the_app_answers_as_before_for_pages_the_api_and_unknown_addresses(
    tmp_path: Path,
) -> None:
    """The pages first and the "not found" page last change no answer."""
    world = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        with client(world.app) as c:
            login = c.get("/login")
            assert login.status_code == 200
            assert login.headers["content-type"].startswith("text/html")
            page = c.get("/tracks/1/channel", follow_redirects=False)
            assert page.status_code == 303  # to the log-in page
            api = c.get("/api/channels/1/messages")
            assert api.status_code == 401
            assert api.headers["content-type"] == "application/problem+json"
            for unknown, kind in (
                ("/nowhere/at/all", "text/html"),
                ("/api/nowhere", "application/problem+json"),
            ):
                answer = c.get(unknown)
                assert answer.status_code == 404, unknown
                assert answer.headers["content-type"].startswith(kind), unknown
            assert c.get("/api/docs").status_code == 200
            assert c.get("/static/gobetween.css").status_code == 200
    finally:
        world.close()


def test_the_pages_come_first_then_the_messages_and_the_not_found_page_last(
    tmp_path: Path,
) -> None:
    """The app's order: the gated pages (which pass an API path at once), the JSON API with the
    message routes first, the API docs, and the HTML "not found" page after everything."""
    app = create_app(make_settings(f"sqlite:///{tmp_path}/g.db"))
    app.state.services.db.dispose()
    included = [route for route in app.router.routes if hasattr(route, "original_router")]
    routers = [route.original_router for route in included]
    assert isinstance(routers[0], GatedRouter)
    assert routers[0].gate is not None
    assert routers[1] is negotiate.router
    assert routers[-1] is fallback
    assert fallback not in routers[:-1]
