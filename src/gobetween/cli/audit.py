"""``gobetween audit``: verify the audit hash chain and show its links."""

from __future__ import annotations

import click
from sqlalchemy import select

from gobetween.cli import options
from gobetween.store import audit as chain
from gobetween.store.db import Database
from gobetween.store.tables import AuditEntry

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The audit chain: verify it, list its links."""


@audit.command("verify")
@options.database_url
def verify(database_url: str) -> None:
    """Recompute the chain; name the first broken link (exit status 2) or print its head."""
    database = Database(database_url)
    try:
        with database.unit_of_work(write=False) as session:
            report = chain.verify(session)
        click.echo(
            f"audit chain intact: {report.links} links, {report.rows} data rows checked, "
            f"head {report.head}"
        )
    finally:
        database.dispose()


@audit.command("show")
@options.database_url
@click.option("--last", default=20, show_default=True, type=click.IntRange(1), help="How many.")
def show(database_url: str, last: int) -> None:
    """Print the last links of the chain."""
    database = Database(database_url)
    try:
        with database.unit_of_work(write=False) as session:
            rows = session.execute(
                select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(last)
            ).scalars()
            for e in reversed(list(rows)):
                click.echo(
                    f"{e.seq:>8} {e.at} actor={e.actor_id} {e.action} "
                    f"{e.object_type}:{e.object_id} {e.hash[:16]}"
                )
    finally:
        database.dispose()
