"""``gobetween db``: apply and inspect the Alembic migrations."""

from __future__ import annotations

import click

from gobetween.store.db import Database, current_revision, upgrade

__all__ = ["db"]

_URL = click.option(
    "--database-url",
    envvar="GOBETWEEN_DATABASE_URL",
    default="sqlite:///gobetween.db",
    show_default=True,
    help="Database to work on (env GOBETWEEN_DATABASE_URL).",
)


@click.group()
def db() -> None:
    """Database schema: upgrade, current revision."""


@db.command("upgrade")
@_URL
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(database_url: str, revision: str) -> None:
    """Apply the migrations up to REVISION."""
    database = Database(database_url)
    try:
        upgrade(database, revision)
        click.echo(f"database at revision {current_revision(database)}")
    finally:
        database.dispose()


@db.command("current")
@_URL
def current_command(database_url: str) -> None:
    """Print the revision the database is at."""
    database = Database(database_url)
    try:
        click.echo(current_revision(database) or "(empty: run gobetween db upgrade)")
    finally:
        database.dispose()
