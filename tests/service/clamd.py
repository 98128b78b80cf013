"""A real ClamAV daemon for the tests, on a signature database written here.

freshclam cannot fetch ClamAV's signatures in the sandbox or in CI, so the database is one
signature of our own: the EICAR test file's marker string (an ``.ndb`` body signature, reported
as ``Gobetween.Test.EICAR.UNOFFICIAL``). clamd (Debian's ``clamav-daemon``, installed by
``.ci/run``) loads it and listens on a unix socket and a TCP port on 127.0.0.1.

When clamd is missing or does not start, the tests that need it skip with the reason, unless
``GOBETWEEN_REQUIRE_CLAMD=1`` (set by ``.ci/run``), in which case they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the EICAR anti-virus test file (harmless; every scanner reports it)
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Gobetween.Test.EICAR.UNOFFICIAL"
_NDB = "Gobetween.Test.EICAR:0:*:" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE".hex() + "\n"


@dataclass(frozen=True)
class Clamd:
    """A running clamd: its unix socket and its TCP port."""

    unix: str
    tcp: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(message: str) -> None:
    if os.environ.get("GOBETWEEN_REQUIRE_CLAMD") == "1":
        pytest.fail(message + " and GOBETWEEN_REQUIRE_CLAMD=1")
    pytest.skip(message)


def _ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(1)
            s.connect(path)
            s.sendall(b"zPING\0")
            return s.recv(16) == b"PONG\0"
    except OSError:
        return False


@contextlib.contextmanager
def running_clamd(folder: Path) -> Iterator[Clamd]:
    """clamd on ``folder`` (its database, socket, log), stopped when the block ends."""
    binary = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else ""
    )
    if not binary:
        _unavailable("clamd is not installed (apt-get install clamav-daemon)")
    (folder / "db").mkdir(parents=True, exist_ok=True)
    (folder / "db" / "gobetween-test.ndb").write_text(_NDB)
    sock, port = folder / "clamd.sock", _free_port()
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {sock}\nTCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {folder / 'db'}\nTemporaryDirectory {folder}\n"
        f"LogFile {folder / 'clamd.log'}\nForeground yes\nStreamMaxLength 30M\n"
        "MaxThreads 4\nSelfCheck 0\n"
    )
    process = subprocess.Popen(
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not _ping(str(sock)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                _unavailable(f"clamd did not start: {log[-500:]}")
            time.sleep(0.1)
        yield Clamd(f"unix:{sock}", f"tcp:127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
