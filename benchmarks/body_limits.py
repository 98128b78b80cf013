"""What a large request body costs the server: RSS of a real ``gobetween serve`` process before
and after bodies sent to ``/api/auth/login`` (no login needed), and how fast each is refused.

Run from the project root (it starts its own server on a free loopback port, SQLite in a
temporary folder, and stops it)::

    .venv/bin/python -m benchmarks.body_limits            # 200 MB, declared and chunked
    .venv/bin/python -m benchmarks.body_limits --mb 50

Issue 9 measured RSS 236 -> 784 MB (never returned) and a 422 after 4 s for the 200 MB body.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _chunks(total: int) -> Iterator[bytes]:
    block = b"x" * CHUNK
    for _ in range(total // CHUNK):
        yield block


def _send(port: int, mb: int, declared: bool) -> tuple[int, float, int]:
    """(status, seconds, bytes the client managed to send before the server answered)."""
    total = mb * CHUNK
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", "/api/auth/login")
    conn.putheader("Content-Type", "application/json")
    if declared:
        conn.putheader("Content-Length", str(total))
    else:
        conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    start = time.perf_counter()
    sent = 0
    try:
        for block in _chunks(total):
            data = block if declared else b"%x\r\n%s\r\n" % (len(block), block)
            conn.sock.sendall(data)
            sent += len(block)
        if not declared:
            conn.sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed: it stopped reading
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - start, sent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="body size in MiB")
    args = parser.parse_args(argv)
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "GOBETWEEN_DATABASE_URL": f"sqlite:///{folder}/g.db",
            "GOBETWEEN_SECURE_COOKIES": "false",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gobetween", "serve", "--port", str(port), "--log-level",
             "warning"],
            env=env,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            before = _rss_mb(server.pid)
            print(f"server RSS before: {before:.0f} MB")
            for declared in (True, False):
                status, seconds, sent = _send(port, args.mb, declared)
                kind = "Content-Length" if declared else "chunked"
                print(
                    f"{args.mb} MiB ({kind}): HTTP {status} after {seconds:.2f} s, client sent "
                    f"{sent / CHUNK:.0f} MiB before the answer; server RSS "
                    f"{_rss_mb(server.pid):.0f} MB"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
