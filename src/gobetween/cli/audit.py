"""``gobetween audit``: verify the audit hash chain and show its links."""

from __future__ import annotations

import click
from sqlalchemy import select

from gobetween.cli import options
from gobetween.cli.language import Group, number
from gobetween.errors import N_
from gobetween.i18n import _
from gobetween.store import audit as chain
from gobetween.store.db import Database
from gobetween.store.tables import AuditEntry

__all__ = ["audit"]


@click.group(cls=Group, help=N_("The audit chain: verify it, list its links."))
def audit() -> None:
    """``gobetween audit`` (help: the N_ text above)."""


@audit.command(
    "verify",
    help=N_("Recompute the chain; name the first broken link (exit status 2) or print its head."),
)
@options.database_url
def verify(database_url: str) -> None:
    """``gobetween audit verify``."""
    database = Database(database_url)
    try:
        with database.unit_of_work(write=False) as session:
            report = chain.verify(session)
        click.echo(
            _("audit chain intact: %(links)s links, %(rows)s data rows checked, head %(head)s")
            % {"links": number(report.links), "rows": number(report.rows), "head": report.head}
        )
    finally:
        database.dispose()


@audit.command("show", help=N_("Print the last links of the chain."))
@options.database_url
@click.option("--last", default=20, show_default=True, type=click.IntRange(1), help=N_("How many."))
def show(database_url: str, last: int) -> None:
    """``gobetween audit show``: one link a line, as data (sequence, time, actor, action)."""
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
