"""The live-update kinds reach the page script from one list (:class:`gobetween.live.LiveUpdate`).

Every page renders the kinds into ``body[data-live]``; ``gobetween.js`` subscribes to what it
finds there and names no kind itself, so a protocol that adds a kind adds it in one place.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from tests.web.site import Site, one, soup

from gobetween.live import LiveUpdate


def test_pages_render_the_kinds_the_service_emits(site: Site) -> None:
    body = one(soup(site.client().get("/login")), "body")
    assert json.loads(str(body["data-live"])) == [k.value for k in LiveUpdate]


def test_the_script_keeps_no_list_of_its_own() -> None:
    script = (resources.files("gobetween.web") / "static" / "gobetween.js").read_text("utf-8")
    quoted = set(re.findall(r'"([a-z_]+)"', script)) | set(re.findall(r"'([a-z_]+)'", script))
    assert quoted.isdisjoint({k.value for k in LiveUpdate}), quoted
    assert 'getAttribute("data-live")' in script
