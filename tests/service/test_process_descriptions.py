"""A process described in the working languages of the process (``descriptions``), as it is
named in them: from the API's create and ``PATCH`` endpoints, each description in a working
language of the process, not empty, at most 5,000 characters, a refusal at its field
(``descriptions.uk``); read by a reader of that language, the description as entered by the
others. Revision 0018 adds the descriptions to a database of 0017, whose processes keep their
description as entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from tests.service.test_names_in_languages import _WHEN, _refused_at, _table, _working
from tests.service.world import World

from gobetween.store import tables as t
from gobetween.store.db import Database, upgrade

UKRAINIAN = "Переговори про безпечне судноплавство в Чорному морі."


def _patch(world: World, who: str, body: dict[str, Any]) -> Any:
    return world.request(who, "PATCH", f"/api/processes/{world.process_id}", json=body)


def test_a_new_process_is_described_in_its_working_languages(world: World) -> None:
    body = {
        "name": "Grain talks",
        "description": "Talks on safe shipping in the Black Sea.",
        "languages": ["en", "uk"],
        "descriptions": {"uk": f"  {UKRAINIAN} "},
    }
    made = world.post("admin", "/api/processes", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["descriptions"] == {"uk": UKRAINIAN}  # trimmed
    assert made.json()["description"] == body["description"]  # as entered, unchanged
    read = world.get("admin", f"/api/processes/{made.json()['id']}").json()
    assert read["descriptions"] == {"uk": UKRAINIAN}
    # a language the process does not work in, at its field; nothing created
    refused = world.post(
        "admin",
        "/api/processes",
        json={**body, "name": "Other talks", "descriptions": {"tr": "Görüşmeler"}},
    )
    said = _refused_at(refused, "descriptions.tr")
    assert said.startswith("Turkish (tr) is not a working language of the process")
    assert said.endswith("or leave this description out")
    assert all(p["name"] != "Other talks" for p in world.get("admin", "/api/processes").json())


def test_the_admins_change_names_and_descriptions_apart(world: World) -> None:
    _working(world, "en", "uk", "ru")
    named = _patch(world, "admin", {"names": {"uk": "Чорноморські переговори"}})
    assert named.status_code == 200, named.text
    described = _patch(world, "admin", {"descriptions": {"uk": UKRAINIAN, "ru": "Переговоры."}})
    assert described.status_code == 200, described.text
    # each replaces its own; the one left out stays
    assert described.json()["names"] == {"uk": "Чорноморські переговори"}
    assert described.json()["descriptions"] == {"uk": UKRAINIAN, "ru": "Переговоры."}
    renamed = _patch(world, "admin", {"names": {}})
    assert renamed.json()["names"] == {}
    assert renamed.json()["descriptions"] == {"uk": UKRAINIAN, "ru": "Переговоры."}
    assert _refused_at(
        _patch(world, "admin", {"descriptions": {"uk": " "}}), "descriptions.uk"
    ) == ("the uk description is empty")
    long = _patch(world, "admin", {"descriptions": {"ru": "д" * 5_001}})
    assert long.status_code == 422  # the schema's bound, before the service
    assert long.json()["errors"][0]["location"] == "body.descriptions.ru"
    for who in ("un", "ua"):  # a member who is no admin
        assert _patch(world, who, {"descriptions": {"ru": "x"}}).status_code == 403
    assert _patch(world, "outsider", {"descriptions": {"ru": "x"}}).status_code == 404
    assert world.get("ua", f"/api/processes/{world.process_id}").json()["descriptions"] == {
        "uk": UKRAINIAN,
        "ru": "Переговоры.",
    }


def test_a_reader_reads_the_description_in_their_language_the_others_as_entered() -> None:
    process = t.Process(name="Talks", description="Talks.", descriptions={"uk": UKRAINIAN})
    assert process.described("uk") == UKRAINIAN
    assert process.described("ru") == "Talks."
    assert t.Process(name="Talks", description="").described("uk") == ""


def test_existing_processes_upgrade_with_their_description_as_entered(database_url: str) -> None:
    """Revision 0018 adds ``descriptions`` to a database of 0017: a process made before has
    none, and every reader reads its description as entered."""
    db = Database(database_url)
    table = _table(
        "processes", id=sa.Integer, name=sa.String, description=sa.Text, created_at=_WHEN
    )
    try:
        upgrade(db, "0017")
        with db.engine.begin() as conn:
            now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
            conn.execute(
                sa.insert(table).values(id=1, name="Talks", description="Talks.", created_at=now)
            )
        upgrade(db)
        with db.unit_of_work(write=False) as session:
            process = session.get_one(t.Process, 1)
            assert process.descriptions == {}
            assert process.described("uk") == "Talks."
        with db.unit_of_work() as session:
            session.get_one(t.Process, 1).descriptions = {"uk": UKRAINIAN}
        with db.unit_of_work(write=False) as session:
            assert session.get_one(t.Process, 1).described("uk") == UKRAINIAN
    finally:
        db.dispose()
