"""Counting SQLite's virtual-machine steps: the database's work, which does not vary with noise.

Used by the side-channel tests to show that the work of reading what one party may see does not
grow with another party's private rows.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from tests.service.world import World


@contextlib.contextmanager
def counting_steps(world: World) -> Iterator[list[int]]:
    """Within the block, every statement's steps are added to the one-item list yielded, until
    every row is fetched (not only until the first)."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    engine = world.services.db.engine
    raws: list[sqlite3.Connection] = []

    def on(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_progress_handler(count, 1)
        raws.append(raw)

    event.listen(engine, "before_cursor_execute", on)
    try:
        yield steps
    finally:
        event.remove(engine, "before_cursor_execute", on)
        for raw in raws:
            raw.set_progress_handler(None, 1)
