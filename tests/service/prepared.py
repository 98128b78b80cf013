"""Prepared databases: a fixture world built once per test process, copied for each test.

Building the small world (:class:`tests.service.world.World`) or the demo
(:class:`tests.web.site.Site`) means migrating an empty database and writing a few hundred rows
through the service functions: about 0.3 s on SQLite and 1.5 to 2 s on PostgreSQL, where the
migrations' DDL dominates. The suite builds such a database more than a thousand times (every
stateful confidentiality example builds two). So each test process builds each kind once, on a
database of its own (the *template*), and every test gets an exact copy of it: SQLite through the
online backup API, PostgreSQL by replaying ``pg_dump``'s dump of the template schema into the
test's own empty schema. A copy is the same database, row for row, sequence for sequence, as a
fresh build with the same settings; only the rows' timestamps are those of the template's build.

Nothing is copied when a test could tell the difference:

- when the store's clock is set by hand (:class:`tests.service.world.Clock` installed), the
  world is built afresh, so its timestamps are the clock's;
- when the target is not an empty database of a kind we can copy into (an existing SQLite file, a
  PostgreSQL URL without its own schema, a schema that already holds tables), likewise;
- ``GOBETWEEN_TEST_FRESH_WORLDS=1`` turns copying off for a whole run (to compare).

Templates are keyed by everything in the settings but the database URL (Argon2's costs, for
one, are in the stored password hashes).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

from gobetween.service.settings import Settings
from gobetween.store import tables as store_tables


@dataclass(frozen=True)
class Template:
    """A built database and what its builder remembered of it (ids, tokens, passwords)."""

    backend: str
    where: str  # the SQLite file, or the PostgreSQL dump's SQL (schema name replaced by @@)
    facts: dict[str, Any]


_TEMPLATES: dict[tuple[str, str, str], Template | None] = {}
_FOLDER: str | None = None
_ENGINES: dict[str, Engine] = {}
_MARK = "@@SCHEMA@@"


def enabled() -> bool:
    """Whether copies may be used: off with ``GOBETWEEN_TEST_FRESH_WORLDS=1`` or a set clock."""
    if os.environ.get("GOBETWEEN_TEST_FRESH_WORLDS") == "1":
        return False
    return store_tables.dt is dt  # a Clock installed replaces the module the store reads


def _key(kind: str, settings: Settings) -> tuple[str, str, str]:
    backend = make_url(settings.database_url).get_backend_name()
    rest = dataclasses.replace(settings, database_url="")
    return kind, backend, repr(rest)


def _pg_schema(url: str) -> str | None:
    """The schema a test's PostgreSQL URL puts first on its search path (``pg_schema_url``)."""
    options = make_url(url).query.get("options")
    if not isinstance(options, str):
        return None
    decoded = urllib.parse.unquote(options)
    prefix = "-csearch_path="
    for part in decoded.split():
        if part.startswith(prefix):
            schema = part[len(prefix) :]
            if schema.replace("_", "").isalnum():
                return schema
    return None


def _server_url(url: str) -> str:
    return make_url(url).set(query={}).render_as_string(hide_password=False)


def _server(url: str) -> Engine:
    """One engine a PostgreSQL server for the whole test process (not one a test)."""
    server = _server_url(url)
    if server not in _ENGINES:
        _ENGINES[server] = create_engine(server, pool_size=1, max_overflow=1)
    return _ENGINES[server]


def _sqlite_path(url: str) -> str | None:
    database = make_url(url).database
    return None if database in (None, "", ":memory:") else database


def _target_ready(settings: Settings) -> bool:
    """Whether the test's database is empty and of a kind a copy can go into."""
    backend = make_url(settings.database_url).get_backend_name()
    if backend == "sqlite":
        path = _sqlite_path(settings.database_url)
        return path is not None and not os.path.exists(path)
    if backend == "postgresql":
        schema = _pg_schema(settings.database_url)
        if schema is None:
            return False
        with _server(settings.database_url).connect() as conn:
            tables = conn.execute(
                text("select count(*) from pg_tables where schemaname = :s"), {"s": schema}
            ).scalar_one()
        return int(tables) == 0
    return False


def _build_template(
    kind: str, settings: Settings, build: Callable[[Settings], dict[str, Any]]
) -> Template | None:
    global _FOLDER
    backend = make_url(settings.database_url).get_backend_name()
    if backend == "sqlite":
        if _FOLDER is None:
            _FOLDER = tempfile.mkdtemp(prefix="gobetween-templates-")
        path = os.path.join(_FOLDER, f"{kind}-{uuid.uuid4().hex[:8]}.db")
        facts = build(dataclasses.replace(settings, database_url=f"sqlite:///{path}"))
        return Template("sqlite", path, facts)
    if backend == "postgresql" and shutil.which("pg_dump"):
        server = _server_url(settings.database_url)
        schema = f"gbtmpl_{uuid.uuid4().hex[:16]}"
        engine = create_engine(server)
        try:
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = f"{server}?options=-csearch_path%3D{schema}"
            facts = build(dataclasses.replace(settings, database_url=url))
            parsed = make_url(server)
            dump = subprocess.run(
                [
                    "pg_dump",
                    "--host",
                    parsed.host or "127.0.0.1",
                    "--port",
                    str(parsed.port or 5432),
                    "--username",
                    parsed.username or "postgres",
                    "--dbname",
                    parsed.database or "test",
                    "--schema",
                    schema,
                    "--inserts",
                    "--no-owner",
                    "--no-privileges",
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
        kept = [
            line
            for line in dump.splitlines()
            if not line.startswith(("\\", "SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA"))
        ]
        return Template("postgresql", "\n".join(kept).replace(schema, _MARK), facts)
    return None


def copy_into(
    kind: str, settings: Settings, build: Callable[[Settings], dict[str, Any]]
) -> dict[str, Any] | None:
    """Put a copy of ``kind``'s template into ``settings``' (empty) database; its facts.

    ``build(settings)`` builds the database the first time (on a template database) and returns
    what it remembered. ``None`` when no copy was made: the caller builds afresh.
    """
    if not enabled() or not _target_ready(settings):
        return None
    key = _key(kind, settings)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _build_template(kind, settings, build)
    template = _TEMPLATES[key]
    if template is None:
        return None
    if template.backend == "sqlite":
        target = _sqlite_path(settings.database_url)
        assert target is not None
        source = sqlite3.connect(template.where)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    else:
        schema = _pg_schema(settings.database_url)
        assert schema is not None
        with _server(settings.database_url).begin() as conn:
            conn.exec_driver_sql(template.where.replace(_MARK, schema))
    return copy.deepcopy(template.facts)
