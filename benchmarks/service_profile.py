"""In-process profile of one message POST and one channel read: SQL statements and time.

Drives the app over an ASGI transport (no sockets, no load generator), on SQLite or PostgreSQL,
counts the SQL statements each request sends (a SQLAlchemy ``before_cursor_execute`` hook) and
times ``--requests`` of each (the median, and the CPU time of this process per request, which a
busy machine inflates less than the wall time: on SQLite it is all the work, on PostgreSQL the
client's side; over all the requests, and over the tenth of them that took least), and counts
the Python function calls per request (by cProfile in a separate pass, so they do not slow the
timed one: the same code makes the same calls, however busy the machine); ``--profile`` adds a
cProfile of the event loop's thread (the routes run in worker threads on SQLite: for those, run
this under ``py-spy record``). On PostgreSQL both
routes run on the event loop through ``gobetween.store.pipeline``, which bypasses SQLAlchemy:
no statement of theirs is counted there, only timed.

The app is readied as the server's start-up readies it (:func:`gobetween.service.app.ready`:
every route prepared, then ``gc.freeze()``), so no request pays the first use of a route or a
full collection of the app's objects (``--not-ready``: they do); the requests are timed after a
warm-up on the same event loop (which opens the loop's database connections), whose first POST
and first read are reported apart.

    .venv/bin/python -m benchmarks.service_profile                  # SQLite
    .venv/bin/python -m benchmarks.service_profile --backend postgresql --profile

To compare two commits, unpack each (``git archive <commit> | tar -x -C DIR``) and run this file
with the tree's own code first on the path, in turn, several times:
``cd DIR && PYTHONPATH=DIR/src:DIR python -m benchmarks.service_profile`` (with this file and
``service_load.py`` copied into ``DIR/benchmarks``; trees from before ``ready`` get the same
steps).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import pstats
import tempfile
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import event

from benchmarks.service_load import drop_schema, postgres_schema_url, setup
from gobetween.service import app as app_module
from gobetween.service.app import create_app
from gobetween.service.settings import Settings
from gobetween.store.db import Database


def _send(c: httpx.AsyncClient, kind: str, channel: int, i: int) -> Any:
    if kind == "post":
        return c.post(f"/api/channels/{channel}/messages", json={"text": f"m{i}"})
    return c.get(f"/api/channels/{channel}/messages", params={"limit": 20})


async def _requests(
    app: Any, token: str, channel: int, n: int, statements: list[str], calls: bool
) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://x", headers=headers) as c:
        # warm up on this event loop: its first requests open the loop's database connections
        for i in range(20):
            for kind in ("post", "read"):
                cpu = time.process_time()
                await _send(c, kind, channel, i)
                if i == 0:
                    out[f"first {kind}"] = (time.process_time() - cpu) * 1000
        for kind in ("post", "read"):
            statements.clear()
            times = []
            batch = max(1, n // 10)
            marks = [time.process_time()]
            for i in range(n):
                t0 = time.perf_counter()
                r = await _send(c, kind, channel, i)
                times.append(time.perf_counter() - t0)
                assert r.status_code in (200, 201), r.text
                if (i + 1) % batch == 0:
                    marks.append(time.process_time())
            cpu = time.process_time() - marks[0]
            times.sort()
            out[kind] = {
                "statements_per_request": len(statements) / n,
                "median_ms": times[n // 2] * 1000,
                "cpu_ms": cpu * 1000 / n,
                # the least CPU of a tenth of the requests: what other work on the machine
                # (caches, frequency) inflates least
                "best_cpu_ms": min(b - a for a, b in itertools.pairwise(marks)) * 1000 / batch,
                "kinds": Counter(s.split()[0].upper() for s in statements),
                "sample": list(dict.fromkeys(statements[: len(statements) // n])),
            }
            if calls:
                counter = cProfile.Profile()
                counter.enable()
                for i in range(n):
                    await _send(c, kind, channel, i)
                counter.disable()
                out[kind]["calls"] = sum(e.callcount for e in counter.getstats()) / n
    return out


def _ready(app: Any) -> None:
    """The server's start-up preparation (:func:`gobetween.service.app.ready`); for a tree
    from before it, the same steps."""
    ready = getattr(app_module, "ready", None)
    if ready is not None:
        ready(app)
    else:
        app.openapi()
        gc.collect()
        gc.freeze()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--no-calls", action="store_true", help="skip counting function calls per request"
    )
    parser.add_argument(
        "--not-ready",
        action="store_true",
        help="skip the start-up's preparation (the first requests then pay it)",
    )
    args = parser.parse_args(argv)
    schema = None
    if args.backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='gobetween-prof-')}/p.db"
    else:
        made = postgres_schema_url()
        if made is None:
            raise SystemExit("PostgreSQL not reachable")
        url, schema = made
    try:
        (token, channel), _ = setup(url)
        db = Database(url)
        statements: list[str] = []
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, stmt, *_a: statements.append(" ".join(stmt.split())[:160]),
        )
        app = create_app(Settings(database_url=url, migrate=False), database=db)
        ready = not args.not_ready
        if ready:
            _ready(app)
        calls = not (args.no_calls or args.profile)  # one profiler at a time
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        result = asyncio.run(_requests(app, token, channel, args.requests, statements, calls))
        if profiler:
            profiler.disable()
        print(
            f"first requests ({'ready' if ready else 'not ready'}): POST "
            f"{result.pop('first post'):.1f} ms CPU, read {result.pop('first read'):.1f} ms CPU"
        )
        for kind, row in result.items():
            print(
                f"{kind}: {row['statements_per_request']:.1f} statements/request, "
                f"median {row['median_ms']:.2f} ms, CPU of this process {row['cpu_ms']:.2f} "
                f"ms/request (best tenth {row['best_cpu_ms']:.2f}), "
                + (f"{row['calls']:.0f} calls/request, " if "calls" in row else "")
                + f"{dict(row['kinds'])}"
            )
            for stmt in row["sample"]:
                print("    ", stmt)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        db.dispose()
    finally:
        if schema:
            drop_schema(schema)


if __name__ == "__main__":
    main()
