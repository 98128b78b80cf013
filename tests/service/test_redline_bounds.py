"""A redline of long or hostile wording answers within its bound, through the API and the text's
page (which tells only which articles changed, so compares no words)."""

from __future__ import annotations

import time

from tests.service.test_texts_articles import articles, publish
from tests.service.world import World

from gobetween.web.texts import versions_with_changes

REPEATED = "a " * 10_000  # 20,000 characters, the longest wording an article takes


def test_a_redline_of_one_word_repeated_answers_promptly(world: World) -> None:
    # before: about 35 s per article for the API, and again for each page view of the text
    food = world.tracks["food"]
    hostile = [{"id": f"long-{n}", "wording": {"en": REPEATED}} for n in range(3)]
    assert publish(world, articles() + hostile).status_code == 201
    shifted = [{"id": f"long-{n}", "wording": {"en": "b " + REPEATED[2:]}} for n in range(3)]
    assert publish(world, articles() + shifted).status_code == 201
    started = time.perf_counter()
    r = world.get("ru", f"/api/tracks/{food}/text/redline/1/2")
    assert time.perf_counter() - started < 5
    assert r.status_code == 200, r.text
    rows = {row["id"]: row for row in r.json()["articles"]}
    for n in range(3):
        segments = rows[f"long-{n}"]["segments"]
        assert "".join(s["text"] for s in segments if s["op"] != "delete") == "b " + REPEATED[2:]
        assert "".join(s["text"] for s in segments if s["op"] != "insert") == REPEATED
    started = time.perf_counter()
    r = world.get("ru", f"/api/tracks/{food}/text/redline/1/2/export.docx")
    assert r.status_code == 200
    assert time.perf_counter() - started < 15
    text = world.get("un", f"/api/tracks/{food}/text").json()
    started = time.perf_counter()
    shown = versions_with_changes(text)
    assert time.perf_counter() - started < 1
    assert {c.article for c in shown[0]["changes"]} == {"long-0", "long-1", "long-2"}
