"""The suite vacuums the PostgreSQL catalogs its schemas bloat (tests/service/catalogs.py): on a
server without autovacuum each run was slower than the last."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from tests.service.catalogs import vacuum_catalogs
from tests.service.conftest import require_postgres

pytestmark = pytest.mark.postgres


def test_a_dropped_schemas_catalog_rows_are_vacuumed() -> None:
    url = require_postgres()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            before = conn.execute(text("select clock_timestamp()")).scalar_one()
            schema = "t_" + uuid.uuid4().hex[:12]
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            conn.execute(text(f"CREATE TABLE {schema}.t (a int, b text, c date)"))
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        assert vacuum_catalogs() > 0.0
        with engine.connect() as conn:
            last = conn.execute(
                text(
                    "select last_vacuum from pg_stat_sys_tables "
                    "where schemaname = 'pg_catalog' and relname = 'pg_attribute'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert last is not None
    assert last >= before
