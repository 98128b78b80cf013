"""The live-update kinds reach the page script from one list (the house's
:class:`gobetween.live.LiveUpdate` and each protocol's own, ``registry.live_kinds()``).

Every page renders the kinds into ``body[data-live]``; ``gobetween.js`` subscribes to what it
finds there and names no kind itself, so a protocol that adds a kind adds it in one place: its
declaration.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from tests.web.site import Site, one, soup

from gobetween.live import LiveUpdate
from gobetween.protocols import registry


def test_pages_render_the_kinds_the_service_emits(site: Site) -> None:
    body = one(soup(site.client().get("/login")), "body")
    kinds = json.loads(str(body["data-live"]))
    assert kinds == list(registry.live_kinds())
    assert {k.value for k in LiveUpdate} < set(kinds)
    for protocol in registry.protocols():
        assert protocol.live_updates <= set(kinds), protocol.name


def test_the_script_keeps_no_list_of_its_own() -> None:
    script = (resources.files("gobetween.web") / "static" / "gobetween.js").read_text("utf-8")
    quoted = set(re.findall(r'"([a-z_]+)"', script)) | set(re.findall(r"'([a-z_]+)'", script))
    assert quoted.isdisjoint(registry.live_kinds()), quoted
    assert 'getAttribute("data-live")' in script
