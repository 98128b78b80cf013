"""ASVS 12.4.2: attachments are scanned by ClamAV (a real clamd, tests/service/clamd.py) before
anything is stored; an infected file is refused (422 naming the file and the signature), a
scanner that is down or too slow refuses the upload (503), and nothing unscanned is stored."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from tests.service.asgi import client as asgi_client
from tests.service.clamd import EICAR, SIGNATURE, Clamd, running_clamd
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import antivirus
from gobetween.store import tables as t


@pytest.fixture(scope="module")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clamd]:
    with running_clamd(tmp_path_factory.mktemp("clamd")) as daemon:
        yield daemon


def _world(tmp_path: Path, **settings: object) -> World:
    return World.build(make_settings(f"sqlite:///{tmp_path}/av.db", **settings))


def _stored(world: World) -> tuple[int, int]:
    with world.services.db.unit_of_work(write=False) as session:
        messages = session.execute(select(func.count()).select_from(t.Message)).scalar_one()
        files = session.execute(select(func.count()).select_from(t.Attachment)).scalar_one()
    return messages, files


def _post(world: World, name: str, data: bytes, who: str = "ua") -> httpx.Response:
    channel = world.channels[("food", "ua")]
    files = {"file": (name, data, "text/plain")}
    return world.post(who, f"/api/channels/{channel}/attachments", files=files, data={"text": "x"})


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_the_scanner_finds_the_test_signature_and_passes_clean_files(
    clamd: Clamd, kind: str
) -> None:
    scanner = antivirus.Scanner(getattr(clamd, kind), timeout=10)
    assert scanner.scan(b"grain corridor minutes, nothing else") is None
    assert scanner.scan(EICAR) == SIGNATURE
    # several chunks, the marker across a chunk boundary
    padding = b"a" * (antivirus.CHUNK * 3 - 20)
    assert scanner.scan(padding + EICAR + b"b" * 1000) == SIGNATURE
    assert scanner.scan(b"c" * (antivirus.CHUNK * 4 + 7)) is None
    assert scanner.scan(b"") is None


def test_an_infected_attachment_is_refused_naming_file_and_signature_and_not_stored(
    clamd: Clamd, tmp_path: Path
) -> None:
    world = _world(tmp_path, clamd=clamd.unix, max_attachment_bytes=1_000_000)
    try:
        before = _stored(world)
        r = _post(world, "minutes.txt", b"before " + EICAR + b" after")
        assert r.status_code == 422, r.text
        problem = r.json()
        assert [e["location"] for e in problem["errors"]] == ["file"]
        assert "minutes.txt" in problem["detail"]
        assert SIGNATURE in problem["detail"]
        assert "it was not stored" in problem["detail"]
        assert _stored(world) == before
        clean = _post(world, "clean.txt", b"the ports list, version 3")
        assert clean.status_code == 201, clean.text
        attachment = clean.json()["attachments"][0]
        got = world.get("un", f"/api/attachments/{attachment['id']}")
        assert got.content == b"the ports list, version 3"
        assert _stored(world) == (before[0] + 1, before[1] + 1)
    finally:
        world.close()


def test_a_scanner_that_is_down_refuses_the_upload_with_503(tmp_path: Path) -> None:
    world = _world(tmp_path, clamd=f"unix:{tmp_path}/no-such.sock")
    try:
        before = _stored(world)
        r = _post(world, "clean.txt", b"nothing wrong with it")
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "60"
        assert "clean.txt" in r.json()["detail"]
        assert r.headers["content-type"].startswith("application/problem+json")
        assert _stored(world) == before
        # a message without a file does not need the scanner
        channel = world.channels[("food", "ua")]
        sent = world.post("ua", f"/api/channels/{channel}/messages", json={"text": "hello"})
        assert sent.status_code == 201, sent.text
    finally:
        world.close()


class SilentServer:
    """A TCP server that accepts, reads and never answers (a hung clamd); counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.connections = 0
        self.address = f"tcp:127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.held.append(conn)

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


def test_a_hung_scanner_times_out_and_anonymous_uploads_never_reach_it(tmp_path: Path) -> None:
    server = SilentServer()
    world = _world(tmp_path, clamd=server.address, clamd_timeout_seconds=1)
    try:
        before = _stored(world)
        r = _post(world, "slow.txt", b"x" * 5000)
        assert r.status_code == 503
        assert _stored(world) == before
        assert server.connections == 1
        channel = world.channels[("food", "ua")]
        anonymous = asgi_client(world.app)
        files = {"file": ("a.txt", b"hello", "text/plain")}
        assert (
            anonymous.post(f"/api/channels/{channel}/attachments", files=files).status_code == 401
        )
        anonymous.close()
        assert server.connections == 1
    finally:
        world.close()
        server.close()


def test_the_channel_page_says_which_file_was_refused(clamd: Clamd, tmp_path: Path) -> None:
    world = _world(tmp_path, clamd=clamd.tcp)
    c = asgi_client(world.app)
    try:
        r = c.post("/api/auth/login", json={"email": "ua@example.org", "password": PASSWORD})
        csrf = r.json()["csrf_token"]
        channel = world.channels[("food", "ua")]
        before = _stored(world)
        page = c.post(
            f"/channels/{channel}/messages",
            data={"text": "see attached", "csrf_token": csrf},
            files={"file": ("report.txt", EICAR, "text/plain")},
        )
        assert page.status_code == 422
        text = BeautifulSoup(page.text, "html.parser").get_text(" ")
        assert "report.txt" in text
        assert SIGNATURE in text
        assert _stored(world) == before
    finally:
        c.close()
        world.close()


@pytest.mark.parametrize(
    ("answer", "found"),
    [(b"stream: OK\0", None), (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", "Win.Test.EICAR_HDB-1")],
)
def test_answers_are_read(answer: bytes, found: str | None) -> None:
    assert antivirus.parse_answer(answer) == found


@pytest.mark.parametrize(
    "answer", [b"INSTREAM size limit exceeded. ERROR\0", b"", b"stream:  FOUND\0", b"garbage"]
)
def test_anything_but_ok_or_found_is_a_scanner_failure(answer: bytes) -> None:
    with pytest.raises(antivirus._ScannerDown):
        antivirus.parse_answer(answer)
