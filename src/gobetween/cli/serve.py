"""``gobetween serve``: run the negotiation service with uvicorn.

Settings come from the environment (``GOBETWEEN_*``, see ``docs/guide/service.md``); the options
here override the most common ones. Migrations are applied once before the workers start.
"""

from __future__ import annotations

import os

import click

from gobetween.cli import options
from gobetween.cli.language import Command
from gobetween.errors import N_
from gobetween.i18n import _
from gobetween.service.settings import Settings

__all__ = ["serve"]


class _ServeCommand(Command):
    """``serve``'s help ends with the environment settings, worded in the run's language."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The settings, each in a paragraph of its own with its default and what it does."""
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(_("Environment settings:"))
            for name, default, text in Settings.describe():
                formatter.write_paragraph()
                formatter.write_text(
                    _("%(name)s (default %(default)s): %(help)s")
                    % {"name": name, "default": default, "help": _(text)}
                )


@click.command(
    cls=_ServeCommand, help=N_("Serve the REST API (and, when installed, the web pages).")
)
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option("--port", default=8000, show_default=True, type=int, help=N_("Port to listen on."))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@options.database_url_option(
    "sqlite:///gobetween.db",
    N_("sqlite:///file.db or postgresql://user@host/db (env GOBETWEEN_DATABASE_URL)."),
)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str, port: int, workers: int, database_url: str, log_level: str) -> None:
    """``gobetween serve`` (help: the N_ text above)."""
    import uvicorn

    from gobetween.store.db import Database, upgrade

    os.environ["GOBETWEEN_DATABASE_URL"] = database_url
    settings = Settings.from_env()
    database = Database(database_url)
    try:
        if settings.migrate:
            upgrade(database)
        shown = database.url.render_as_string(hide_password=True)
    finally:
        database.dispose()
    os.environ["GOBETWEEN_MIGRATE"] = "false"  # done once here, not in every worker
    click.echo(
        _("gobetween: %(database)s, API docs at %(url)s")
        % {"database": shown, "url": f"http://{host}:{port}/api/docs"},
        err=True,
    )
    uvicorn.run(
        "gobetween.service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        server_header=False,  # no "server: uvicorn" banner
    )
