"""``gobetween demo``: build the Black Sea demonstration process and serve it."""

from __future__ import annotations

import os

import click

from gobetween.cli import options
from gobetween.cli.language import Command
from gobetween.errors import N_
from gobetween.i18n import _
from gobetween.service.demo import build_demo, demo_passwords
from gobetween.service.demo_agreement import INITIATIVE, build_agreement_demo
from gobetween.service.demo_records import build_records_demo
from gobetween.service.security import PasswordHasher
from gobetween.service.settings import Settings
from gobetween.store.db import Database, upgrade

__all__ = ["demo"]


@click.command(
    cls=Command,
    help=N_(
        "Create the Black Sea process (UN and Türkiye mediating between Ukraine and the Russian "
        "Federation; energy-facilities and prisoner-return tracks with other mediators), print "
        "a login for each role, and serve it."
    ),
)
@options.database_url_option(
    "sqlite:///gobetween-demo.db", N_("Where to build the demo (env GOBETWEEN_DATABASE_URL).")
)
@click.option("--serve/--no-serve", default=True, show_default=True, help=N_("Start the server."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(database_url: str, serve: bool, host: str, port: int) -> None:
    """``gobetween demo`` (help: the N_ text above)."""
    settings = Settings.from_env(database_url=database_url)
    database = Database(database_url)
    try:
        upgrade(database)
        hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib
        )
        passwords = demo_passwords(hasher)  # Argon2 before the writing unit, nothing held
        with database.unit_of_work() as session:
            process_id, logins = build_demo(session, hasher, passwords)
            agreement_id = build_agreement_demo(session)
            illustrative = build_records_demo(session)
    finally:
        database.dispose()
    click.echo(
        _("Black Sea demo: process %(process)s in %(database)s")
        % {"process": process_id, "database": database_url}
    )
    click.echo(
        _("%(name)s: signed agreement %(agreement)s and its joint record")
        % {"name": INITIATIVE, "agreement": agreement_id}
    )
    for name, number in illustrative.items():
        click.echo(
            _("%(name)s: signed agreement %(agreement)s and its joint record (invented data)")
            % {"name": name, "agreement": number}
        )
    click.echo(_("Logins (passwords are new each time the demo runs):"))
    for login in logins:
        click.echo(
            f"  {login.seat:<13} {login.organisation:<20} {login.email:<32} {login.password}"
        )
    if serve:
        from gobetween.cli.serve import serve as serve_command

        os.environ.setdefault("GOBETWEEN_SECURE_COOKIES", "false")  # plain http on loopback
        serve_command.main(
            ["--host", host, "--port", str(port), "--database-url", database_url],
            standalone_mode=False,
        )
