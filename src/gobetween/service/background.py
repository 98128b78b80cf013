"""The server's background loops: each runs beside the app for its lifespan.

:func:`running` is what the mail worker (:func:`gobetween.service.mail.worker`) and the
scheduled tasks (:func:`gobetween.service.retention.worker`) share: their loop started in a task
group when the app starts, and cancelled when it stops.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import anyio

__all__ = ["running"]


@contextlib.asynccontextmanager
async def running(loop: Callable[[], Coroutine[Any, Any, None]]) -> AsyncIterator[None]:
    """Run ``loop`` in a task group while the block runs; cancel it when the block ends."""
    async with anyio.create_task_group() as group:
        group.start_soon(loop)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
