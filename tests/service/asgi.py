"""A synchronous httpx client that calls an ASGI app in-process (through a blocking portal).

Starlette's TestClient warns about httpx; this is the same idea in a few lines, on httpx's own
ASGITransport.
"""

from __future__ import annotations

import contextlib
from typing import Any

import anyio.from_thread
import httpx


class PortalTransport(httpx.BaseTransport):
    """Runs each request through ``httpx.ASGITransport`` on an event loop in another thread."""

    def __init__(self, app: Any) -> None:
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self._portal.call(call)

    def close(self) -> None:
        self._stack.close()


def client(app: Any, base_url: str = "https://testserver") -> httpx.Client:
    """A client for ``app``; close it when done."""
    return httpx.Client(transport=PortalTransport(app), base_url=base_url)
