"""A synchronous httpx client that calls an ASGI app in-process, on an event loop it owns.

Starlette's TestClient warns about httpx and hops to a portal thread for every request; this runs
each request with ``loop.run_until_complete`` on httpx's own ASGITransport, in the caller's
thread (sync routes still run in the thread pool, as in production).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


class LoopTransport(httpx.BaseTransport):
    """Runs each request through ``httpx.ASGITransport`` on a private event loop."""

    def __init__(self, app: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self._loop.run_until_complete(call())

    def close(self) -> None:
        self._loop.run_until_complete(self._loop.shutdown_default_executor())
        self._loop.close()


def client(app: Any, base_url: str = "https://testserver") -> httpx.Client:
    """A client for ``app``; close it when done."""
    return httpx.Client(transport=LoopTransport(app), base_url=base_url)


async def _inline(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return func(*args, **kwargs)


#: Modules that hand sync work to the thread pool; :func:`run_inline` patches them.
THREADPOOL_USERS = (
    "fastapi.routing",
    "fastapi.dependencies.utils",
    "gobetween.service.api.prepare",
    "gobetween.service.api.events",
    "gobetween.service.context",
)


def run_inline(monkeypatch: Any) -> None:
    """Run sync routes on the event loop's thread (fast, sequential tests only)."""
    for module in THREADPOOL_USERS:
        monkeypatch.setattr(f"{module}.run_in_threadpool", _inline)
