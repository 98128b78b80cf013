"""Agenda imports through the API (issue 9): a file over the limit is "too large", never a parse
error of its first 5 MB; an error in uploaded Genius XML names the uploaded file, never the
server's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.service.world import World, make_settings

from gobetween.service.imports import MAX_UPLOAD_BYTES

GENIUS = Path(__file__).parents[1] / "data" / "genius" / "fitness"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.build(make_settings(f"sqlite:///{tmp_path}/g.db"))
    try:
        yield w
    finally:
        w.close()


def _import(world: World, files: list[tuple[str, bytes]]) -> dict[str, object]:
    r = world.post(
        "admin",
        f"/api/processes/{world.process_id}/tracks/import",
        data={
            "name": "imported",
            "organisation_ids": [str(world.orgs["Ukraine"]), str(world.orgs["United Nations"])],
        },
        files=[("files", (name, data)) for name, data in files],
    )
    assert r.status_code == 422, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_scenario_over_the_limit_is_too_large_not_a_parse_error(world: World) -> None:
    line = b"# " + b"x" * 97 + b"\n"
    big = b"gobetween: 1\nname: talks\n" + line * (MAX_UPLOAD_BYTES // len(line) + 10)
    problem = _import(world, [("talks.yaml", big)])
    assert "too large" in problem["detail"]
    assert "line" not in problem["detail"]


def test_genius_errors_name_the_upload_not_the_temporary_folder(world: World) -> None:
    domain = (GENIUS / "Fitness-A-domain.xml").read_bytes()
    profile = (GENIUS / "Fitness-A-prof1.xml").read_bytes().replace(b"</utility_space>", b"")
    problem = _import(world, [("domain.xml", domain), ("profile.xml", profile)])
    text = str(problem)
    assert "profile.xml" in text
    assert "/tmp" not in text
    assert "gobetween-genius-" not in text
    nothing = _import(world, [("notes.xml", b"<notes/>")])
    assert "/tmp" not in str(nothing)
    assert "gobetween-genius-" not in str(nothing)
