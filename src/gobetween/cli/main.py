"""Entry point of the ``gobetween`` command and its lazily loaded subcommands.

Commands are registered by name in :data:`COMMANDS` as ``"module:attribute"`` and imported only
when run, so ``gobetween analyze`` does not pay for importing the web service.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from gobetween import __version__, i18n
from gobetween.cli.language import Group, Refused, choose, language_option, os_error, refusal
from gobetween.errors import N_, GobetweenError
from gobetween.i18n import _

__all__ = ["COMMANDS", "cli", "main"]

#: Subcommand name -> "module:attribute" of its click command, loaded on first use.
COMMANDS: dict[str, str] = {
    "analyze": "gobetween.cli.analyze:analyze",
    "schema": "gobetween.cli.files:schema",
    "convert": "gobetween.cli.files:convert",
    "corpus": "gobetween.cli.corpus:corpus",
    "demo": "gobetween.cli.demo:demo",
    "serve": "gobetween.cli.serve:serve",
    "db": "gobetween.cli.db:db",
    "audit": "gobetween.cli.audit:audit",
    "users": "gobetween.cli.users:users",
    "voyages": "gobetween.cli.monitoring:voyages",
    "records": "gobetween.cli.records:records",
    "keys": "gobetween.cli.agreement:keys",
    "agreement": "gobetween.cli.agreement:agreement",
    "bidding": "gobetween.cli.bidding:bidding",
    "tournament": "gobetween.cli.tournament:tournament",
}


class LazyGroup(Group):
    """A click group whose subcommands are imported when first needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attribute = COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")  # code, not input
            return command
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "gobetween: indirect, mediated negotiation.\n\n"
        "Analyse scenarios, run the negotiation service, verify agreements."
    ),
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx, value),
    help=N_("Show the version and exit."),
)
@language_option
def cli() -> None:
    """The ``gobetween`` group (its help is the N_ text above, shown in the run's language)."""


def _show_version(ctx: click.Context, value: bool) -> None:
    """``--version``: click's own option words its line when the module is imported."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(_("%(prog)s, version %(version)s") % {"prog": "gobetween", "version": __version__})
    ctx.exit()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; gobetween errors become a one-line message and exit status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    with i18n.use_locale(choose(args, os.environ)):
        _run(args)


def _run(argv: list[str]) -> None:
    try:
        result = cli.main(args=argv, prog_name="gobetween", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(1)
    except GobetweenError as exc:  # raised outside a command (commands raise Refused)
        Refused(refusal(exc)).show()
        sys.exit(2)
    except OSError as exc:
        click.echo(_("error: %(message)s") % {"message": os_error(exc)}, err=True)
        sys.exit(1)
    except Exception as exc:
        # A bug, not bad input: say so in one line; GOBETWEEN_DEBUG=1 shows the traceback.
        if os.environ.get("GOBETWEEN_DEBUG"):
            raise
        click.echo(
            _(
                "internal error: %(error)s (set GOBETWEEN_DEBUG=1 for the traceback, "
                "and please report it)"
            )
            % {"error": f"{type(exc).__name__}: {exc}"},
            err=True,
        )
        sys.exit(70)
    # Without standalone mode click returns ctx.exit(code)'s code instead of exiting.
    if isinstance(result, int) and not isinstance(result, bool) and result:
        sys.exit(result)
