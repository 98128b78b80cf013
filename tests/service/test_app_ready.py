"""Issue 10: the server's start-up builds what a worker's first requests would otherwise build."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, routing
from tests.service.asgi import client

from gobetween.service import app as app_module
from gobetween.service.app import create_app, ready
from gobetween.service.settings import Settings


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """An app as a new server process makes its first: with routes no other app has walked
    (the apps of one process share theirs)."""
    monkeypatch.setattr(app_module, "_ROUTES", [])
    made = create_app(Settings(database_url="sqlite://"))
    yield made
    made.state.services.db.dispose()


def _preparations(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many route dependencies the first request for a message page prepares."""
    prepared: list[str] = []
    build = routing.get_dependant

    def counting(*args: Any, **kwargs: Any) -> Any:
        prepared.append(kwargs.get("path", ""))
        return build(*args, **kwargs)

    monkeypatch.setattr(routing, "get_dependant", counting)
    with client(app) as c:
        assert c.get("/api/channels/1/messages").status_code == 401
    return len(prepared)


def test_a_first_request_prepares_routes_of_an_app_not_ready(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what ready() is for: this FastAPI prepares a router's routes when a request first walks it
    # (were it to prepare them when they are included, this would be 0 and ready()'s build moot)
    assert _preparations(app, monkeypatch) > 0


def test_the_ready_app_prepares_no_route_at_its_first_request(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = gc.get_freeze_count()
    try:
        ready(app)
        assert gc.get_freeze_count() > frozen  # the app's objects out of the collector's sight
    finally:
        gc.unfreeze()
    assert app.openapi_schema is not None  # built once, before the first request for it
    assert _preparations(app, monkeypatch) == 0
