"""Options that several commands take, declared once so they read and check alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from gobetween.errors import N_
from gobetween.formats.genius import DEFAULT_REAL_STEPS

__all__ = ["database_url", "database_url_option", "real_steps"]

F = TypeVar("F", bound=Callable[..., Any])


def database_url_option(default: str, help_text: str) -> Callable[[F], F]:
    """``--database-url`` (env ``GOBETWEEN_DATABASE_URL``) with a command's own default and help
    (``help_text`` marked :func:`N_`)."""
    return click.option(
        "--database-url",
        envvar="GOBETWEEN_DATABASE_URL",
        default=default,
        show_default=True,
        help=help_text,
    )


#: ``--database-url`` of the commands that work on an existing database (``db``, ``users``,
#: ``audit``); ``serve`` and ``demo`` word theirs for what they do with it.
database_url = database_url_option(
    "sqlite:///gobetween.db", N_("Database to work on (env GOBETWEEN_DATABASE_URL).")
)

#: ``--real-steps``: how a real-valued Genius issue becomes options (the reader's own rule:
#: at least one step; ``n`` steps give ``n + 1`` options, both ends included).
real_steps = click.option(
    "--real-steps",
    type=click.IntRange(min=1),
    default=DEFAULT_REAL_STEPS,
    show_default=True,
    help=N_("Steps a real-valued Genius issue is cut into (n steps give n + 1 options)."),
)
