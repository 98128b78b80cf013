"""Nothing gobetween serves loads from, or points a browser at, another host: every template,
every static file (own and vendored), the HTML of every page and of ``/api/docs`` are scanned;
the vendored Swagger UI is the pinned, unmodified release; headless Chromium opening /api/docs
makes requests to this server only. The ``server: uvicorn`` banner is off."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.service.world import World, make_settings

import gobetween
from gobetween.service import api_docs

PACKAGE = Path(gobetween.__file__).parent
#: A URL with a host: scheme://host or a protocol-relative //host (not a path like "/a//b").
HOST_URL = re.compile(r"""(?:\b[a-z][a-z0-9+.-]*:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+""", re.I)
#: Hosts that the vendored Swagger UI bundle *names* without loading anything from them: XML
#: namespaces, links in the specifications it quotes, licence comments, examples in its error
#: messages, and social links of a sample JSON Schema. Chromium's request log below is the check
#: that none of them is fetched; a new host in a new version fails this test until reviewed.
SWAGGER_NAMES = frozenset(
    {
        "www.w3.org", "datatracker.ietf.org", "www.rfc-editor.org", "spec.openapis.org",
        "github.com", "json-schema.org", "validator.swagger.io", "www.tiktok.com",
        "twitter.com", "instagram.com", "example.com", "www.facebook.com", "vladimirgorej.com",
        "swagger.io", "spdx.org", "soundcloud.com", "redux.js.org", "reactjs.org", "fb.me",
        "i.test",  # not a host: the end of a regular expression literal, /...//i.test(...)
    }
)  # fmt: skip
#: Other vendored files and what they may name (SVG namespaces in data: URIs).
VENDOR_NAMES = {"swagger-ui.css": frozenset({"www.w3.org"})}


def _hosts(text: str) -> set[str]:
    return {m.group(0).split("//", 1)[1].lower() for m in HOST_URL.finditer(text)}


def _files(folder: Path, *suffixes: str) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in suffixes]


def test_templates_and_own_static_files_name_no_other_host() -> None:
    own = _files(PACKAGE / "web" / "templates", ".html")
    own += _files(PACKAGE / "web" / "static", ".js", ".css", ".svg", ".html")
    own += _files(PACKAGE / "service" / "static", ".html")
    own.append(PACKAGE / "service" / "static" / "swagger-ui" / "init.js")
    assert len(own) >= 25
    for path in own:
        if "vendor" in path.parts:
            continue
        hosts = _hosts(path.read_text(encoding="utf-8"))
        assert not hosts, (str(path.relative_to(PACKAGE)), hosts)


def test_vendored_files_name_only_reviewed_hosts() -> None:
    vendored = [p for p in _files(PACKAGE / "web" / "static", ".js", ".css") if "vendor" in p.parts]
    swagger = PACKAGE / "service" / "static" / "swagger-ui"
    vendored += [swagger / "swagger-ui-bundle.js", swagger / "swagger-ui.css"]
    for path in vendored:
        allowed = (
            SWAGGER_NAMES
            if path.name == "swagger-ui-bundle.js"
            else VENDOR_NAMES.get(path.name, frozenset())
        )
        hosts = _hosts(path.read_text(encoding="utf-8"))
        named = {h.split("/")[0].split(":")[0] for h in hosts}
        assert named <= allowed, (path.name, sorted(named - allowed))


def test_swagger_ui_is_the_pinned_unmodified_release_with_its_licence() -> None:
    folder = PACKAGE / "service" / "static" / "swagger-ui"
    source = (folder / "SOURCE.txt").read_text()
    assert f"swagger-ui-dist {api_docs.SWAGGER_UI_VERSION}" in source
    pinned = dict(re.findall(r"^\s+(\S+)\s+sha256 ([0-9a-f]{64})$", source, re.M))
    assert sorted(pinned) == ["favicon-32x32.png", "swagger-ui-bundle.js", "swagger-ui.css"]
    for name, digest in pinned.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "validatorUrl: null" in (folder / "init.js").read_text()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        yield w
    finally:
        w.close()


def _links(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|action|poster|data)\s*=\s*["']([^"']*)["']""", html)


def test_api_docs_page_loads_only_from_this_server(world: World) -> None:
    r = world.client.get("/api/docs")
    assert r.status_code == 200
    assert not _hosts(r.text), _hosts(r.text)
    links = _links(r.text)
    assert len(links) == 4
    assert all(u.startswith("/") and not u.startswith("//") for u in links), links
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert not _hosts(csp)
    for url in links:
        asset = world.client.get(url)
        assert asset.status_code == 200, url
    assert world.client.get("/api/docs/assets/SOURCE.txt").status_code == 404
    assert world.client.get("/api/docs/assets/..%2F..%2Fapp.py").status_code == 404


def test_every_page_names_no_other_host(world: World) -> None:
    from tests.service.test_edge_guard import _get_routes

    seen = 0
    for path in _get_routes(world):
        for who in ("ua", "un"):
            r = world.get(who, path)
            if "html" in r.headers.get("content-type", ""):
                seen += 1
                assert not _hosts(r.text), (path, _hosts(r.text))
    assert seen >= 10


def test_serve_turns_the_server_banner_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    from gobetween.cli.main import cli

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    url = f"sqlite:///{tmp_path}/served.db"
    result = CliRunner().invoke(cli, ["serve", "--database-url", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert calls
    assert calls[0]["server_header"] is False


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_opening_api_docs_asks_this_server_only(tmp_path: Path) -> None:
    from tests.web.server import CHROMIUM_ARGS, chromium_path, serve

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("GOBETWEEN_REQUIRE_BROWSER") == "1":
            pytest.fail("Playwright is not installed and GOBETWEEN_REQUIRE_BROWSER=1")
        pytest.skip("Playwright for Python is not installed")
    executable = chromium_path()
    with serve(tmp_path) as (base, _site), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requested: list[str] = []
            errors: list[str] = []
            page.on("request", lambda req: requested.append(req.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base + "/api/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
            assert "gobetween" in page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector(".opblock", timeout=15_000)
            # Swagger UI 5.35 renders the operations near the viewport only (virtualised), so
            # count what it loaded from the description, then scroll to the last group.
            loaded = page.evaluate(
                "window.ui.specSelectors.taggedOperations()"
                ".reduce((n, tag) => n + tag.get('operations').size, 0)"
            )
            assert loaded >= 30
            tag = page.evaluate("window.ui.specSelectors.taggedOperations().keySeq().last()")
            last = page.locator(f"#operations-tag-{tag}")
            for _ in range(600):  # steps shorter than a window, so no group is passed over
                if last.count():
                    break
                page.mouse.wheel(0, 400)
                page.wait_for_timeout(50)
            assert last.count() == 1, "the last group of operations never rendered"
        finally:
            browser.close()
    assert errors == []
    foreign = [u for u in requested if not u.startswith(base) and not u.startswith("data:")]
    assert foreign == [], foreign
    assert any(u.endswith("/api/docs/openapi.json") for u in requested)
