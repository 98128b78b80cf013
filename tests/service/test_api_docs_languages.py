"""/api/docs in the reader's language: the page, and the API's introduction and groups of the
OpenAPI description Swagger UI shows; /api/openapi.json stays the canonical English one."""

from __future__ import annotations

from tests.service.world import World

from gobetween import i18n
from gobetween.service.api_docs import DESCRIPTION, TAGS


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
        assert body["paths"] == canonical["paths"]
        assert body["info"]["description"] == intro != str(DESCRIPTION)
        tags = {t["name"]: t.get("description") for t in body["tags"]}
        assert "agree" in tags
        for name, description in tags.items():
            assert description == groups[name], name  # every group described, translated
            assert description != str(TAGS[name])
    # the canonical description is English whatever the caller asks
    uk = world.client.get("/api/openapi.json", headers={"Accept-Language": "uk"}).json()
    assert uk["info"] == canonical["info"]
    init = world.client.get("/api/docs/assets/init.js").text
    assert '"/api/docs/openapi.json"' in init
