"""The error table is complete; the audit chain detects and locates tampering; migrations fit."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update
from tests.service.world import World

from gobetween import errors
from gobetween.cli.main import cli
from gobetween.errors import AuditChainBroken
from gobetween.service.errors import STATUS, status_of
from gobetween.store import audit
from gobetween.store.db import Database, current_revision, upgrade
from gobetween.store.tables import AuditEntry, Base


def test_every_error_class_has_a_status() -> None:
    classes = {
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.GobetweenError) and obj.__module__ == errors.__name__
    }
    assert classes == set(STATUS), classes ^ set(STATUS)
    assert all(400 <= s < 600 for s in STATUS.values())
    assert status_of(errors.NotFound("x")) == 404
    assert status_of(errors.RateLimited("x", 3)) == 429


def test_audit_chain_holds_then_breaks_where_tampered(world: World) -> None:
    db = world.services.db
    with db.unit_of_work(write=False) as session:
        report = audit.verify(session)
    assert report.links > 20
    with db.unit_of_work() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 7).values(actor_id=999))
    with db.unit_of_work(write=False) as session, pytest.raises(AuditChainBroken) as caught:
        audit.verify(session)
    assert caught.value.sequence == 7


def test_audit_detects_a_deleted_link(world: World) -> None:
    db = world.services.db
    with db.unit_of_work() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
    with db.unit_of_work(write=False) as session, pytest.raises(AuditChainBroken) as caught:
        audit.verify(session)
    assert caught.value.sequence == 5


def test_audit_detects_a_rewritten_link_with_its_hash(world: World) -> None:
    db = world.services.db
    with db.unit_of_work() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.seq == 9)).scalar_one()
        entry.object_id = "forged"
        entry.hash = audit.link_hash(entry)
    with db.unit_of_work(write=False) as session, pytest.raises(AuditChainBroken) as caught:
        audit.verify(session)
    assert caught.value.sequence == 10


def test_every_write_appends_a_link(world: World) -> None:
    db = world.services.db
    with db.unit_of_work(write=False) as session:
        before = audit.verify(session).links
    ch = world.channels[("food", "ua")]
    world.post("ua", f"/api/channels/{ch}/messages", json={"text": "x"})
    with db.unit_of_work(write=False) as session:
        after = audit.verify(session)
        last = session.execute(select(AuditEntry).where(AuditEntry.seq == after.links)).scalar_one()
    assert after.links == before + 1
    assert (last.action, last.actor_id) == ("message.create", world.users["ua"])


def test_cli_audit_verify_names_the_broken_link(world: World) -> None:
    url = world.services.settings.database_url
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--database-url", url])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with world.services.db.unit_of_work() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="forged"))
    bad = runner.invoke(cli, ["audit", "verify", "--database-url", url])
    assert bad.exit_code == 2  # the refusal: one line, status 2 (gobetween.cli.language.Refused)
    assert bad.output.startswith("error: audit chain broken at sequence 3: ")


def _head() -> str:
    from alembic.script import ScriptDirectory

    from gobetween.store.db import alembic_config

    db = Database("sqlite://")
    try:
        head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    finally:
        db.dispose()
    assert head is not None
    return head


def test_migrations_build_exactly_the_tables(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = Database(database_url)
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == _head()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        db.dispose()


def test_cli_db_upgrade(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    result = CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert _head() in result.output
    result = CliRunner().invoke(cli, ["db", "current", "--database-url", url])
    assert result.output.strip() == _head()
