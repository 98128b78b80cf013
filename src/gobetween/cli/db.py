"""``gobetween db``: apply and inspect the Alembic migrations."""

from __future__ import annotations

import click

from gobetween.cli import options
from gobetween.store.db import Database, current_revision, upgrade

__all__ = ["db"]


@click.group()
def db() -> None:
    """Database schema: upgrade, current revision."""


@db.command("upgrade")
@options.database_url
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
@options.database_url
def current_command(database_url: str) -> None:
    """Print the revision the database is at."""
    database = Database(database_url)
    try:
        click.echo(current_revision(database) or "(empty: run gobetween db upgrade)")
    finally:
        database.dispose()
