"""Fixtures: a fresh database per test on SQLite and on PostgreSQL, and an in-process client.

PostgreSQL is used when reachable (``GOBETWEEN_TEST_POSTGRES_URL``, else 127.0.0.1:5432 as
``postgres`` or ``root``, database ``test``); each test gets its own schema. When no server is
reachable the PostgreSQL half skips with the reason, unless ``GOBETWEEN_REQUIRE_POSTGRES=1``, in
which case it fails.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from tests.service.mailbox import Mailbox, smtp_server
from tests.service.world import World, make_settings

from gobetween.service.settings import Settings
from gobetween.store.db import Database

CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


@functools.cache
def postgres_url() -> tuple[str | None, str]:
    """A reachable PostgreSQL URL, or None and why not."""
    explicit = os.environ.get("GOBETWEEN_TEST_POSTGRES_URL")
    candidates = (explicit,) if explicit else CANDIDATES
    reasons = []
    for url in candidates:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            return url, ""
        except Exception as exc:
            reasons.append(f"{url}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            engine.dispose()
    return None, "; ".join(reasons)


def require_postgres() -> str:
    url, reason = postgres_url()
    if url is None:
        message = f"PostgreSQL not reachable ({reason})"
        if os.environ.get("GOBETWEEN_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " and GOBETWEEN_REQUIRE_POSTGRES=1")
        pytest.skip(message)
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    url = require_postgres()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db')}/gobetween.db"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    """An app on a fresh database with the Black-Sea-like fixture process built."""
    w = World.build(settings)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def box() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free port, and what it received."""
    with smtp_server() as mailbox:
        yield mailbox
