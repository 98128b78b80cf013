"""``gobetween schema`` and ``gobetween convert``: the scenario format's schema and conversions."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gobetween.cli import options
from gobetween.cli.language import Command
from gobetween.errors import N_, FileFormatError, InvalidModel
from gobetween.formats import (
    DEFAULT_MAX_BYTES,
    dump_scenario,
    format_of,
    load_scenario_file,
    save_scenario,
    scenario_json_schema,
)
from gobetween.i18n import _, pgettext

__all__ = ["convert", "schema"]


@click.command(
    cls=Command, help=N_("Print the JSON Schema (2020-12) of the gobetween scenario format.")
)
def schema() -> None:
    """``gobetween schema``."""
    click.echo(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))


@click.command(
    cls=Command,
    help=N_(
        "Convert a scenario between YAML, JSON and a Genius folder.\n\n"
        "SOURCE is a .yaml/.yml/.json scenario, a Genius folder or a Genius domain .xml file "
        "(with its profiles beside it). TARGET is a .yaml/.yml/.json file, a folder name for "
        "Genius (new or without XML files), or '-' to print the scenario (see --format)."
    ),
)
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help=N_("Format to print when TARGET is '-'."),
)
@options.real_steps
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / 2**20,
    show_default=True,
    help=N_("Refuse input files larger than this many megabytes."),
)
@click.option(
    "--force", is_flag=True, help=N_("Replace TARGET if it is an existing YAML/JSON file.")
)
def convert(
    source: Path, target: Path, fmt: str, real_steps: int, max_mb: float, force: bool
) -> None:
    """``gobetween convert`` (help: the N_ text above)."""
    loaded = load_scenario_file(source, real_steps=real_steps, max_bytes=int(max_mb * 2**20))
    if str(target) == "-":
        click.echo(dump_scenario(loaded, "json" if fmt == "json" else "yaml"), nl=False)
        return
    kind = format_of(target)
    if kind != "genius" and target.exists() and not force:
        raise FileFormatError(
            N_("the file exists"), source=str(target), expected=N_("a new file name, or --force")
        )
    try:
        written = save_scenario(loaded, target, real_steps=real_steps)
    except InvalidModel as exc:
        raise exc.located(source=str(source)) from None
    if kind == "genius":
        scenario = loaded.scenario
        dropped = [
            what
            for what, present in (
                (pgettext("scenario file", "packages"), bool(loaded.packages)),
                (pgettext("scenario file", "mediators"), bool(loaded.mediators)),
                (pgettext("scenario file", "description"), bool(scenario.description)),
                (pgettext("scenario file", "metadata"), bool(scenario.metadata)),
            )
            if present
        ]
        if dropped:
            click.echo(
                _("note: Genius XML has no place for: %(parts)s") % {"parts": ", ".join(dropped)},
                err=True,
            )
    for path in written:
        click.echo(_("wrote %(path)s") % {"path": path})
