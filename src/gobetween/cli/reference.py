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

## Language

The command line speaks English, Ukrainian, Russian, Turkish and Arabic: help, messages, tables,
progress and refusals (click's own words included). It takes the language from, in order:

1. `--language CODE` before the command: `gobetween --language uk analyze talks.yaml`;
2. the environment variable `GOBETWEEN_LANGUAGE` (`export GOBETWEEN_LANGUAGE=ar`);
3. the POSIX locale variables `LC_ALL`, then `LC_MESSAGES`, then `LANG`: the first one set
   decides (`LANG=uk_UA.UTF-8` is Ukrainian; `C`, or a language gobetween does not speak, is
   English);
4. else English.

The codes are `en`, `uk`, `ru`, `tr` and `ar`; another code given to `--language` or
`GOBETWEEN_LANGUAGE` is refused (exit status 2) with the list. Numbers and dates are written the
language's way (`0,850` in Ukrainian). Machine-readable output is the same in every language:
`--json`, CSV files, scenario and agreement files and exit statuses. Names from your files
(parties, issues, options) are printed as they are. The placeholders of `--help` are in the
language too (`gobetween bidding open [ПАРАМЕТРИ] ID_НАПРЯМУ`), and so are the places a refusal
names (`рядок 4, стовпець 7`) and what a scenario file's schema expected there. Quoted as they
are, inside a translated sentence: what the YAML or JSON reader itself says about a file it
cannot parse (`неможливо розібрати YAML; розбирач YAML повідомляє: «...»`) and the status name
the HiGHS solver gives when it fails (`помилка розв’язувача (kNotset)`). The refusals of the
research-corpus readers (`gobetween corpus`: `діалог 0: у діалозі немає поля
'participant_info'`), the Genius export (`gobetween convert` to a Genius folder) and the charts
(`--plot`), and the chart's legend and axis labels, are in the language too. Still in English:
the operating system's rarer refusals (the common ones, such as a missing file or a denied
permission, are translated), and what the system or the JSON reader says, quoted inside a
corpus refusal (`неможливо прочитати дані CaSiNo: [Errno 2] No such file or directory: ...`).
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
