"""/api/docs in the reader's language: the page, Swagger UI's own words, and the API's
introduction, groups and every operation's words in the OpenAPI description Swagger UI shows;
/api/openapi.json stays the canonical English one."""

from __future__ import annotations

import copy
import html
import json
import re
from typing import Any

from tests.service.world import World

from gobetween import i18n
from gobetween.service.api_docs import DESCRIPTION, TAGS
from gobetween.service.api_docs_words import CHROME


def _without_words(paths: dict[str, Any]) -> dict[str, Any]:
    """The operations with their summaries, descriptions and answers' descriptions left out."""
    bare = copy.deepcopy(paths)
    for item in bare.values():
        for operation in item.values():
            operation.pop("summary", None)
            operation.pop("description", None)
            for answer in operation.get("responses", {}).values():
                answer.pop("description", None)
    return bare


def test_the_docs_page_and_its_openapi_description_follow_accept_language(world: World) -> None:
    canonical = world.client.get("/api/openapi.json").json()
    english = world.client.get("/api/docs/openapi.json").json()
    assert english["paths"] == canonical["paths"]  # the operations are the same
    assert english["info"]["description"] == str(DESCRIPTION)
    for code in ("uk", "ar"):
        headers = {"Accept-Language": code}
        page = world.client.get("/api/docs", headers=headers)
        assert f'<html lang="{code}" dir="{i18n.direction(code)}">' in page.text
        with i18n.use_locale(code):
            title = i18n._("gobetween API")
            intro = str(DESCRIPTION)
            groups = {name: str(text) for name, text in TAGS.items()}
        assert title != "gobetween API"
        assert f"<title>{title}</title>" in page.text
        local = world.client.get("/api/docs/openapi.json", headers=headers)
        assert local.headers["content-language"] == code
        body = local.json()
        # the same operations, every one's words in the reader's language
        assert _without_words(body["paths"]) == _without_words(canonical["paths"])
        for path, item in canonical["paths"].items():
            for method, operation in item.items():
                shown = body["paths"][path][method]
                assert shown["summary"] != operation["summary"], (code, path, method)
                english = operation["description"].split("\n\n")
                ours = shown["description"].split("\n\n")
                assert len(ours) == len(english), (code, path, method)
                assert all(a != b for a, b in zip(ours, english, strict=True)), (path, method)
                for status, answer in operation["responses"].items():
                    assert shown["responses"][status]["description"] != answer["description"]
        words = json.loads(html.unescape(re.search(r'data-words="([^"]*)"', page.text)[1]))
        with i18n.use_locale(code):
            assert words == {english: str(local) for english, local in CHROME.items()}
        assert words["Try it out"] != "Try it out"
        assert body["info"]["description"] == intro != str(DESCRIPTION)
        tags = {t["name"]: t.get("description") for t in body["tags"]}
        assert "agree" in tags
        for name, description in tags.items():
            assert description == groups[name], name  # every group described, translated
            assert description != str(TAGS[name])
    # the canonical description is English whatever the caller asks
    uk = world.client.get("/api/openapi.json", headers={"Accept-Language": "uk"}).json()
    assert uk["info"] == canonical["info"]
    assert uk["paths"] == canonical["paths"]
    english_page = world.client.get("/api/docs", headers={"Accept-Language": "en"}).text
    assert 'data-words="{}"' in english_page  # nothing to replace in English
    init = world.client.get("/api/docs/assets/init.js").text
    assert '"/api/docs/openapi.json"' in init
