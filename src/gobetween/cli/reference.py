"""Render the CLI reference (docs/cli.md) from the commands' own ``--help``.

``gobetween docs-cli`` (hidden) prints it; a test fails when docs/cli.md is out of date, so every
command and option is documented exactly as the program describes itself.
"""

from __future__ import annotations

import click

from gobetween.cli.main import cli

__all__ = ["render_cli_reference"]

HEADER = """# Command-line reference

This page is generated from the commands' own `--help` by
`python -m gobetween.cli.reference > docs/cli.md`; a test checks it is up to date.
"""


def _walk(command: click.Command, path: list[str], ctx: click.Context | None) -> list[str]:
    name = " ".join(path)
    # The command's own context settings (e.g. -h as a help option) must apply, as they do
    # when the command runs; click remembers a command's help option after its first use.
    settings = {"terminal_width": 100, "max_content_width": 100, **command.context_settings}
    own = click.Context(command, info_name=path[-1], parent=ctx, **settings)
    blocks = [f"## `{name}`\n", "```text", command.get_help(own).rstrip(), "```\n"]
    if isinstance(command, click.Group):
        for sub in command.list_commands(own):
            child = command.get_command(own, sub)
            if child is not None and not child.hidden:
                blocks += _walk(child, [*path, sub], own)
    return blocks


def render_cli_reference() -> str:
    """The whole CLI reference as Markdown, one section per command and subcommand."""
    return "\n".join([HEADER, *_walk(cli, ["gobetween"], None)]) + "\n"


if __name__ == "__main__":
    click.echo(render_cli_reference(), nl=False)
