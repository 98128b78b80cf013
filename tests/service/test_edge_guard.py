"""The request edge (``service/guard.py``): every JSON route refuses lone surrogates, NUL
characters and duplicate keys with a 422 naming the field; bodies past a route's limit answer 413
without being read; uploads refuse two files under one field and NUL bytes in file names; every
answer but a static asset is ``Cache-Control: no-store``."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.service.world import World, make_settings

from gobetween.service.app import create_app

CHUNK = 64 * 1024


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        yield w
    finally:
        w.close()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _json_routes(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method.upper(), path, _resolve(spec, content["application/json"]["schema"])


def _poisoned(
    spec: dict[str, Any], schema: dict[str, Any], text: str
) -> tuple[dict[str, Any], str]:
    """A body with ``text`` in its first string field (or in an extra one), and that field."""
    for name, prop in _resolve(spec, schema).get("properties", {}).items():
        if _resolve(spec, prop).get("type") == "string":
            return {name: text}, f"body.{name}"
    return {"note": text}, "body.note"


def _real_path(world: World, path: str) -> str:
    ids = {
        "process_id": world.process_id,
        "track_id": world.tracks["food"],
        "channel_id": world.channels[("food", "ua")],
        "party_id": world.orgs["Ukraine"],
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "nul\x00byte"])
def test_every_json_route_refuses_surrogates_and_nul_naming_the_field(
    world: World, text: str
) -> None:
    spec = world.app.openapi()
    routes = list(_json_routes(spec))
    assert len(routes) >= 15
    for method, path, schema in routes:
        body, field = _poisoned(spec, schema, text)
        raw = json.dumps(body).encode()  # ensure_ascii: "\ud800" travels as its escape
        for who in ("ua", None):
            headers = {"content-type": "application/json"}
            if who:
                headers |= world.headers(who)
            r = world.client.request(method, _real_path(world, path), content=raw, headers=headers)
            assert r.status_code == 422, (method, path, r.status_code, r.text)
            problem = r.json()
            assert problem["errors"][0]["location"] == field, (path, problem)
            assert r.headers["content-type"] == "application/problem+json"


def test_surrogates_nested_anywhere_and_in_keys(world: World) -> None:
    ch = world.channels[("food", "ua")]
    track = world.tracks["food"]
    cases = [
        ("/api/auth/login", {"email": "ana@un.org", "password": "\ud800" * 12}, "body.password"),
        ("/api/invitations/accept", {"token": "x", "name": "\udc00", "password": "p"}, "body.name"),
        (f"/api/channels/{ch}/messages", {"text": "hello \ud83d"}, "body.text"),
        (f"/api/tracks/{track}/preferences", {"weights": {"ports\ud800": 1}}, "body.weights"),
        (
            f"/api/tracks/{track}/preferences",
            {"ratings": {"ports": ["\ud800"]}},
            "body.ratings.ports[0]",
        ),
    ]
    for path, body, field in cases:
        r = world.post(
            "ua", path, content=json.dumps(body), headers={"content-type": "application/json"}
        )
        assert r.status_code == 422, (path, r.text)
        assert r.json()["errors"][0]["location"] == field


def test_a_paired_surrogate_escape_is_an_ordinary_character(world: World) -> None:
    ch = world.channels[("food", "ua")]
    raw = b'{"text": "grain \\ud83c\\udf3e"}'  # U+1F33E, written as its two escapes
    r = world.post(
        "ua",
        f"/api/channels/{ch}/messages",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["text"] == "grain \U0001f33e"


def test_duplicate_json_keys_are_refused_naming_the_key(world: World) -> None:
    ch = world.channels[("food", "ua")]
    raw = b'{"text": "shown to the mediator", "text": "stored instead"}'
    r = world.post(
        "ua",
        f"/api/channels/{ch}/messages",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "body.text"
    assert "twice" in r.json()["detail"]
    nested = b'{"email": "a@b.org", "password": "0123456789", "x": {"k": 1, "k": 2}}'
    r = world.client.post(
        "/api/auth/login", content=nested, headers={"content-type": "application/json"}
    )
    assert r.json()["errors"][0]["location"] == "body.x.k"


def test_json_without_a_content_type_is_checked_too(world: World) -> None:
    ch = world.channels[("food", "ua")]
    r = world.post("ua", f"/api/channels/{ch}/messages", content=b'{"text": "\\ud800"}')
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "body.text"


def test_huge_integers_and_deep_nesting_are_422(world: World) -> None:
    ch = world.channels[("food", "ua")]
    for raw in (b'{"text": "x", "n": ' + b"9" * 5001 + b"}", b"[" * 100_000 + b"]" * 100_000):
        r = world.post(
            "ua",
            f"/api/channels/{ch}/messages",
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422, r.text[:200]
        assert r.json()["errors"][0]["location"].startswith("body")


def test_nul_in_a_form_field_is_refused(world: World) -> None:
    """The API answers problem+json; a page's form (``/login``) gets the error page naming
    the field, with the same status (tests/web/test_notices_i18n.py: in the reader's language)."""
    form = {
        "content": b"email=a%00b@un.org&password=x",
        "headers": {"content-type": "application/x-www-form-urlencoded"},
    }
    r = world.client.post("/api/auth/login", **form)  # type: ignore[arg-type]
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "email"
    page = world.client.post("/login", **form)  # type: ignore[arg-type]
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "email: contains a NUL character" in page.text


def test_nul_in_a_multipart_part_without_a_name_is_located(world: World) -> None:
    # found by schemathesis: the error named an empty location
    body = b'--b\r\nContent-Disposition: form-data; name=""\r\n\r\na\x00b\r\n--b--\r\n'
    r = world.request(
        "un",
        "POST",
        f"/api/processes/{world.process_id}/tracks/import",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 422
    assert [e["location"] for e in r.json()["errors"]] == ["form"]


class Body:
    """An endless request body that counts what the app pulled from it."""

    def __init__(self, total: int, prefix: bytes = b"") -> None:
        self.total = total
        self.prefix = prefix
        self.sent = 0
        self.calls = 0

    async def receive(self) -> dict[str, Any]:
        self.calls += 1
        if self.sent >= self.total:
            await asyncio.sleep(3600)  # a client that has nothing more to say
        chunk = min(CHUNK, self.total - self.sent)
        data = (self.prefix if self.sent == 0 else b"") + b"x" * chunk
        self.sent += chunk
        return {"type": "http.request", "body": data, "more_body": self.sent < self.total}


def _call(
    app: Any, path: str, headers: dict[str, str], body: Body
) -> tuple[int, dict[str, str], bytes]:
    start: dict[str, Any] = {}
    out: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        else:
            out.append(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 443),
        "client": ("203.0.113.9", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(asyncio.wait_for(app(scope, body.receive, send), 30))
    head = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], head, b"".join(out)


@pytest.mark.parametrize("declared", [True, False])
def test_a_200_mb_login_is_refused_without_reading_it(tmp_path: Path, declared: bool) -> None:
    settings = make_settings(f"sqlite:///{tmp_path}/g.db")
    app = create_app(settings)
    body = Body(200_000_000)
    headers = {"content-type": "application/json"}
    if declared:
        headers["content-length"] = str(body.total)
    status, head, raw = _call(app, "/api/auth/login", headers, body)
    assert status == 413
    assert head["content-type"] == "application/problem+json"
    assert json.loads(raw)["status"] == 413
    limit = settings.max_auth_body_bytes
    if declared:
        assert body.calls == 0  # refused by its Content-Length, not a byte read
    else:
        assert body.sent <= limit + CHUNK  # read only until the count passed the limit
    app.state.services.db.dispose()


def test_an_absurd_content_length_is_413(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/g.db"))
    body = Body(10)
    headers = {"content-type": "application/json", "content-length": "9" * 5000}
    status, _, _ = _call(app, "/api/auth/login", headers, body)
    assert status == 413
    assert body.calls == 0
    app.state.services.db.dispose()


def test_a_streamed_upload_is_cut_off_at_the_upload_limit(world: World) -> None:
    ch = world.channels[("food", "ua")]
    limit = world.services.settings.max_upload_bytes
    part = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
    body = Body(limit * 4, prefix=part)
    headers = {
        "content-type": "multipart/form-data; boundary=XyZ",
        "authorization": f"Bearer {world.tokens['ua']}",
    }
    status, _, raw = _call(world.app, f"/api/channels/{ch}/attachments", headers, body)
    assert status == 413, raw[:300]
    assert body.sent <= limit + CHUNK


def _multipart(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'.encode()
        if filename is not None:
            disposition += b'; filename="' + filename.encode("utf-8", "surrogateescape") + b'"'
        out += b"--XyZ\r\nContent-Disposition: " + disposition + b"\r\n"
        if filename is not None:
            out += b"Content-Type: text/plain\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + b"--XyZ--\r\n"


def _upload(world: World, parts: list[tuple[str, str | None, bytes]]) -> Any:
    ch = world.channels[("food", "ua")]
    return world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        content=_multipart(parts),
        headers={"content-type": "multipart/form-data; boundary=XyZ"},
    )


def test_two_files_in_one_field_are_refused(world: World) -> None:
    r = _upload(world, [("file", "a.txt", b"first"), ("file", "b.txt", b"second")])
    assert r.status_code == 422, r.text
    assert "two files" in r.json()["detail"]
    assert r.json()["errors"][0]["location"] == "file"
    ok = _upload(world, [("file", "a.txt", b"only one")])
    assert ok.status_code == 201, ok.text


def test_nul_bytes_in_file_names_are_refused(world: World) -> None:
    r = _upload(world, [("file", "invoice\x00.pdf.txt", b"data")])
    assert r.status_code == 422, r.text
    assert "NUL" in r.json()["detail"]


def _walk(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            yield from _walk(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _walk(route.routes)
        else:
            yield route


def _get_routes(world: World) -> Iterator[str]:
    for route in _walk(world.app.routes):
        methods = getattr(route, "methods", None) or set()
        if "GET" in methods and not route.path.startswith("/static"):
            path = re.sub(r"\{(\w+):\w+\}", "no-such-page", route.path)
            path = _real_path(world, path)
            yield path + ("?follow=false" if path.endswith("/events") else "")


def test_every_answer_but_static_assets_is_no_store(world: World) -> None:
    paths = list(_get_routes(world))
    assert len(paths) >= 30
    for path in paths:
        for who in ("ua", "un", None):
            r = world.get(who, path) if who else world.client.get(path)
            assert r.headers.get("cache-control") == "no-store", (path, who, r.status_code)
            assert r.headers.get("x-content-type-options") == "nosniff", path
    login = world.client.post(
        "/api/auth/login", json={"email": "x@y.org", "password": "0123456789"}
    )
    assert login.headers["cache-control"] == "no-store"
    asset = world.client.get("/static/gobetween.css")
    assert asset.status_code == 200
    assert "no-store" not in asset.headers["cache-control"]


def test_the_api_docs_assets_are_cached_and_the_page_is_not(world: World) -> None:
    # the 1.7 MB Swagger UI bundle was no-store, so every visit to /api/docs downloaded 2 MB
    assert world.client.get("/api/docs").headers["cache-control"] == "no-store"
    bundle = world.client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["cache-control"] == "public, max-age=86400"
    again = world.client.get(
        "/api/docs/assets/swagger-ui-bundle.js", headers={"If-None-Match": bundle.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    missing = world.client.get("/api/docs/assets/SOURCE.txt")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"


def test_hsts_is_opt_in(tmp_path: Path) -> None:
    off = World.build(make_settings(f"sqlite:///{tmp_path}/a.db"))
    on = World.build(make_settings(f"sqlite:///{tmp_path}/b.db", hsts_seconds=31_536_000))
    try:
        assert "strict-transport-security" not in off.client.get("/api/auth/me").headers
        assert (
            on.client.get("/api/auth/me").headers["strict-transport-security"] == "max-age=31536000"
        )
    finally:
        off.close()
        on.close()


def test_a_bundle_is_a_file_not_a_json_body(world: World) -> None:
    """A bundle posted as application/json goes to its verifier whole: the upload limit, and
    the verifier's own report (not the edge's JSON checks)."""
    settings = world.services.settings
    big = b'{"format": "x", "pad": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    r = world.client.post("/api/verify", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["ok"] is False
    twice = b'{"format": "a", "format": "b"}'
    r = world.client.post(
        "/api/verify", content=twice, headers={"content-type": "application/json"}
    )
    assert r.status_code == 200
    assert r.json()["ok"] is False
