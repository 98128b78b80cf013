"""Document exports are bounded: one per user at a time and ``GOBETWEEN_DOCUMENTS_RUNNING`` per
worker (429 with ``Retry-After`` beyond), drawn after the unit of work; a track archive draws at
most ``archive.MAX_PDF_CHARACTERS`` of text as PDF and lists the versions it left out."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from typing import Any

import httpx
import pytest
from tests.service.asgi import client as asgi_client
from tests.service.test_texts_articles import articles, publish
from tests.service.world import World, make_settings

from gobetween.formats import text_export
from gobetween.service import archive
from gobetween.service.slots import documents


def test_one_user_makes_one_document_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: every request drew its PDF at once (a 1 MB text takes 11 s, its redline 20 s),
    # inside its read transaction, so one user's parallel exports filled the thread pool
    food = world.tracks["food"]
    assert publish(world, articles()).status_code == 201
    drawing, release = threading.Event(), threading.Event()
    real = text_export.version_pdf

    calls: list[str] = []

    def slow(title: str, body: Any, language: str) -> bytes:
        calls.append(title)
        if len(calls) == 1:
            drawing.set()
            assert release.wait(30)
        return real(title, body, language)

    monkeypatch.setattr(text_export, "version_pdf", slow)
    answers: list[httpx.Response] = []
    other = asgi_client(world.app)

    def first() -> None:
        answers.append(
            other.get(f"/api/tracks/{food}/text/versions/1/export.pdf", headers=world.headers("ua"))
        )

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert drawing.wait(30)
        again = world.get("ua", f"/api/tracks/{food}/text/versions/1/export.pdf")
        assert again.status_code == 429, again.text
        assert again.headers["retry-after"] == "5"
        assert again.headers["content-type"] == "application/problem+json"
        assert "document exports" in again.json()["detail"]
        assert world.get("ua", f"/api/tracks/{food}/archive").status_code == 429
        # another user still exports (two per worker by default)
        assert world.get("ru", f"/api/tracks/{food}/text/versions/1/export.docx").status_code == 200
    finally:
        release.set()
        thread.join(30)
        other.close()
    assert [r.status_code for r in answers] == [200]
    assert answers[0].content.startswith(b"%PDF")
    assert world.get("ua", f"/api/tracks/{food}/text/versions/1/export.pdf").status_code == 200


def test_the_workers_total_of_documents_is_a_limit(database_url: str) -> None:
    world = World.build(make_settings(database_url, documents_running=1))
    try:
        food = world.tracks["food"]
        assert publish(world, articles()).status_code == 201
        held = documents(world.services, 1).take(world.users["ru"])
        try:
            refused = world.get("ua", f"/api/tracks/{food}/text/versions/1/export.docx")
            assert refused.status_code == 429
            assert "(1)" in refused.json()["detail"]
        finally:
            held.release()
        url = f"/api/tracks/{food}/text/versions/1/export.docx"
        assert world.get("ua", url).status_code == 200
    finally:
        world.close()


def test_an_archive_draws_at_most_its_pdf_budget(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: every version drawn as PDF, 11 s for each 1 MB version (3 such versions: 36 s)
    food = world.tracks["food"]
    for wording in ("Ships leave from Odesa.", "Ships leave from Yuzhny.", "Ships leave."):
        assert publish(world, articles(wording)).status_code == 201
    one = len(json.dumps(world.get("un", f"/api/tracks/{food}/text").json()["versions"][0]))
    monkeypatch.setattr(archive, "MAX_PDF_CHARACTERS", 2 * one + one // 2)
    r = world.get("ua", f"/api/tracks/{food}/archive")
    assert r.status_code == 200, r.text
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "text/version-3.pdf" in names
    assert "text/version-2.pdf" in names
    assert "text/version-1.pdf" not in names
    left_out = json.loads(
        zipfile.ZipFile(io.BytesIO(r.content)).read("text/versions-without-pdf.json")
    )
    assert left_out["versions"] == [1]
    assert left_out["limit_characters"] == 2 * one + one // 2
    assert (
        len(
            json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("text/single-text.json"))[
                "versions"
            ]
        )
        == 3
    )
