"""``gobetween db``: apply and inspect the Alembic migrations."""

from __future__ import annotations

import click

from gobetween.cli import options
from gobetween.cli.language import Group
from gobetween.errors import N_
from gobetween.i18n import _
from gobetween.service import retention
from gobetween.service.settings import Settings
from gobetween.store.db import Database, current_revision, upgrade

__all__ = ["db"]


@click.group(
    cls=Group,
    help=N_("Database schema: upgrade, current revision; purge what is past its retention."),
)
def db() -> None:
    """``gobetween db`` (help: the N_ text above)."""


@db.command("upgrade", help=N_("Apply the migrations up to REVISION."))
@options.database_url
@click.option("--revision", default="head", show_default=True, help=N_("Target revision."))
def upgrade_command(database_url: str, revision: str) -> None:
    """``gobetween db upgrade``."""
    database = Database(database_url)
    try:
        upgrade(database, revision)
        click.echo(
            _("database at revision %(revision)s") % {"revision": current_revision(database)}
        )
    finally:
        database.dispose()


@db.command("current", help=N_("Print the revision the database is at."))
@options.database_url
def current_command(database_url: str) -> None:
    """``gobetween db current``."""
    database = Database(database_url)
    try:
        click.echo(current_revision(database) or _("(empty: run gobetween db upgrade)"))
    finally:
        database.dispose()


@db.command(
    "purge",
    help=N_(
        "Delete what is past its retention period (GOBETWEEN_KEEP_* settings), at most "
        "GOBETWEEN_PURGE_BATCH rows of each table; print the count per table."
    ),
)
@options.database_url
def purge_command(database_url: str) -> None:
    """``gobetween db purge``."""
    settings = Settings.from_env(database_url=database_url)
    database = Database(database_url)
    try:
        counts = retention.run_once(database, settings)
    finally:
        database.dispose()
    for table, count in counts.items():
        click.echo(_("%(table)s: %(count)d deleted") % {"table": table, "count": count})
