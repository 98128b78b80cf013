"""The audit chain covers the data rows it describes (issue 9): a message's text or a
preferences body edited in the database after it was written breaks ``gobetween audit verify``
at that row's link, naming the row; untouched rows verify on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from tests.service.world import World, food_preferences

from gobetween.cli.main import cli
from gobetween.errors import AuditChainBroken
from gobetween.store import audit


def _verify(world: World) -> audit.AuditReport:
    with world.services.db.unit_of_work(write=False) as session:
        return audit.verify(session)


def _write_some(world: World) -> tuple[int, int]:
    ch = world.channels[("food", "ua")]
    message = world.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports"})
    assert message.status_code == 201, message.text
    attached = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("note.txt", b"hello", "text/plain")},
        data={"text": "with a file"},
    )
    assert attached.status_code == 201, attached.text
    prefs = world.put(
        "ua", f"/api/tracks/{world.tracks['food']}/preferences", json=food_preferences("ua")
    )
    assert prefs.status_code in (200, 201), prefs.text
    with world.services.db.unit_of_work(write=False) as session:
        version_id = session.execute(text("SELECT max(id) FROM preference_versions")).scalar_one()
    return int(message.json()["id"]), int(version_id)


def test_untouched_rows_verify(world: World) -> None:
    _write_some(world)
    report = _verify(world)
    assert report.rows >= 3


def test_an_edited_message_text_is_named(world: World) -> None:
    message_id, _ = _write_some(world)
    with world.services.db.unit_of_work() as session:
        session.execute(
            text("UPDATE messages SET text = :t WHERE id = :id"),
            {"t": "two ports", "id": message_id},
        )
    with pytest.raises(AuditChainBroken) as caught:
        _verify(world)
    assert f"messages row {message_id}" in str(caught.value)
    url = world.services.settings.database_url
    result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 2  # the refusal, one line on standard error
    assert f"messages row {message_id}" in result.output


def test_an_edited_preferences_body_is_named(world: World) -> None:
    _, version_id = _write_some(world)
    with world.services.db.unit_of_work() as session:
        session.execute(
            text("UPDATE preference_versions SET body = :b WHERE id = :id"),
            {"b": '{"weights": {}}', "id": version_id},
        )
    with pytest.raises(AuditChainBroken, match=f"preference_versions row {version_id} "):
        _verify(world)
