"""SIGTERM does not wait for running analyses: a real server (``gobetween serve`` in a
subprocess) gets SIGTERM while an analysis that would run for a minute is in its worker; the
worker is killed at once, the request answers 503 problem+json saying the server is stopping,
and the server exits within seconds, not at the analysis limit."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.bounds_helpers import big_track
from tests.service.test_load_bounds import Server, _auth
from tests.service.world import World, make_settings

LIMIT = 120  # the analysis limit: without the fix, SIGTERM would wait for it


@pytest.mark.slow
def test_sigterm_stops_running_analyses_at_once_and_answers_503(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/gobetween.db"
    world = World.build(make_settings(url))
    try:
        heavy = big_track(world.services, 3, 30, 100)
    finally:
        world.close()
    server = Server(url, GOBETWEEN_ANALYSIS_SECONDS=str(LIMIT))
    try:
        answer: dict[str, Any] = {}

        def ask() -> None:
            r = httpx.get(
                f"{server.base}/api/tracks/{heavy.track_id}/analysis",
                headers=_auth(heavy.mediator),
                timeout=LIMIT + 30,
            )
            answer["status"], answer["type"], answer["body"] = (
                r.status_code,
                r.headers.get("content-type"),
                r.text,
            )

        thread = threading.Thread(target=ask)
        thread.start()
        deadline = time.monotonic() + 20
        while not (workers := server.workers()):
            assert time.monotonic() < deadline, "no analysis worker started"
            time.sleep(0.1)
        time.sleep(1.0)  # the worker is computing
        start = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=LIMIT + 10)
        took = time.monotonic() - start
        thread.join(timeout=30)
        print(f"SIGTERM during an analysis: the server exited after {took:.2f} s")
        assert took < 5, took  # without the fix: 10.8 s, until the analysis hit a bound (422)
        assert answer["status"] == 503, answer
        assert answer["type"] == "application/problem+json"
        assert "stopping" in answer["body"]
        time.sleep(0.5)
        assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []
    finally:
        server.stop()
