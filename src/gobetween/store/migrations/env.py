"""Alembic environment: runs on the engine handed over by :func:`gobetween.store.db.upgrade`."""

from __future__ import annotations

from alembic import context

from gobetween.store.tables import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when alembic is run by hand
    from gobetween.store.db import Database

    engine = Database(config.get_main_option("sqlalchemy.url") or "sqlite:///gobetween.db").engine

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
