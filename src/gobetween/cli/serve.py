"""``gobetween serve``: run the negotiation service with uvicorn.

Settings come from the environment (``GOBETWEEN_*``, see ``docs/guide/service.md``); the options
here override the most common ones. Migrations are applied once before the workers start.
"""

from __future__ import annotations

import os

import click

from gobetween.service.settings import Settings

__all__ = ["serve"]


def _settings_help() -> str:
    return "\n".join(
        f"  {name} (default {default}): {text}" for name, default, text in Settings.describe()
    )


@click.command(epilog="Environment settings:\n\n" + _settings_help())
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--database-url",
    envvar="GOBETWEEN_DATABASE_URL",
    default="sqlite:///gobetween.db",
    show_default=True,
    help="sqlite:///file.db or postgresql://user@host/db (env GOBETWEEN_DATABASE_URL).",
)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str, port: int, workers: int, database_url: str, log_level: str) -> None:
    """Serve the REST API (and, when installed, the web pages)."""
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
    click.echo(f"gobetween: {shown}, API docs at http://{host}:{port}/api/docs", err=True)
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
