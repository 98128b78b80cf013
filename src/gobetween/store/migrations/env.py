"""Alembic environment: runs on the engine handed over by :func:`gobetween.store.db.upgrade`."""

from __future__ import annotations

from alembic import context

from gobetween.store.tables import Base


def run_migrations() -> None:
    """Run the migrations on the configured engine (or a URL when alembic is run by hand)."""
    config = context.config
    engine = config.attributes.get("engine")
    if engine is None:
        from gobetween.store.db import Database

        url = config.get_main_option("sqlalchemy.url") or "sqlite:///gobetween.db"
        engine = Database(url).engine
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


if hasattr(context, "config"):  # only inside an Alembic run, not when tools import the module
    run_migrations()
