"""Killing the server (SIGKILL, mid-burst) loses no write it acknowledged, on either backend."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from sqlalchemy import select
from tests.service.world import World, make_settings

from gobetween.store import audit
from gobetween.store.tables import Message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/api/auth/me", timeout=1).status_code == 401:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.mark.slow
def test_sigkill_loses_no_acknowledged_write(database_url: str) -> None:
    world = World.build(make_settings(database_url))
    tokens = {who: world.tokens[who] for who in ("ua", "ru", "un")}
    channels = {"ua": world.channels[("food", "ua")], "ru": world.channels[("food", "ru")]}
    world.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GOBETWEEN_DATABASE_URL": database_url,
        "GOBETWEEN_ARGON2_MEMORY_KIB": "64",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gobetween", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(who: str, channel: int) -> None:
        n = 0
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens[who]}"}) as c:
            while not stop.is_set():
                n += 1
                text = f"{who}-{threading.get_ident()}-{n}"
                try:
                    r = c.post(f"/api/channels/{channel}/messages", json={"text": text}, timeout=5)
                except httpx.TransportError:
                    return
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(text)

    try:
        _wait_up(base, proc)
        threads = [
            threading.Thread(target=writer, args=(who, channels[who]))
            for who in ("ua", "ru", "ua", "ru")
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert len(acknowledged) > 10, "the burst wrote too little to mean anything"
    from gobetween.store.db import Database

    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            stored = set(session.execute(select(Message.text)).scalars())
            report = audit.verify(session)
    finally:
        db.dispose()
    lost = [text for text in acknowledged if text not in stored]
    assert not lost, f"{len(lost)} acknowledged writes lost, e.g. {lost[:3]}"
    assert report.links >= len(acknowledged)
