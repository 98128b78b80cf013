"""Making an app: the apps of one process share their routes, each keeps its own data, and an
app made on an up-to-date database runs no migration (``service/app.py``, ``store/db.py``).

Before 6 December 2026 each app included the routers afresh, so FastAPI prepared every route
again for each app (0.1 to 0.3 s of CPU on its first requests), and each app read and compiled
every migration script to find there was nothing to do (about 0.1 s).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from tests.service.world import World, make_settings

from gobetween.service.app import create_app
from gobetween.store.db import Database, current_revision, upgrade


def _shared(app: Any) -> list[Any]:
    return [r for r in app.router.routes if r.__class__.__name__ != "Route"]


def test_two_apps_share_their_routes_and_each_serves_its_own_database(tmp_path: Path) -> None:
    one = World.build(make_settings(f"sqlite:///{tmp_path}/one.db"))
    two = World.build(make_settings(f"sqlite:///{tmp_path}/two.db"))
    try:
        routes = _shared(one.app)
        assert routes
        assert all(a is b for a, b in zip(routes, _shared(two.app), strict=True))
        ch = one.channels[("food", "ua")]
        assert ch == two.channels[("food", "ua")]  # the same fixture, so the same ids
        for w, text in ((one, "only in one"), (two, "only in two")):
            posted = w.post("ua", f"/api/channels/{ch}/messages", json={"text": text})
            assert posted.status_code == 201, posted.text
        texts = {
            name: {m["text"] for m in w.get("un", f"/api/channels/{ch}/messages").json()}
            for name, w in (("one", one), ("two", two))
        }
        assert "only in one" in texts["one"]
        assert "only in two" not in texts["one"]
        assert "only in two" in texts["two"]
        assert "only in one" not in texts["two"]
    finally:
        one.close()
        two.close()


def test_an_up_to_date_database_is_not_migrated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path}/g.db")
    create_app(settings).state.services.db.dispose()  # migrates the new database
    runs: list[str] = []
    real = command.upgrade

    def counted(config: Any, revision: str, **kwargs: Any) -> None:
        runs.append(revision)
        real(config, revision, **kwargs)

    monkeypatch.setattr(command, "upgrade", counted)
    create_app(settings).state.services.db.dispose()
    assert runs == []
    db = Database(settings.database_url)
    try:
        head = current_revision(db)
        command.downgrade(_config(db), "-1")
        assert current_revision(db) != head
        upgrade(db)  # one revision behind: migrated
        assert runs == ["head"]
        assert current_revision(db) == head
    finally:
        db.dispose()


def _config(db: Database) -> Any:
    from gobetween.store.db import alembic_config

    return alembic_config(db)
