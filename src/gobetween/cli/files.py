"""``gobetween schema`` and ``gobetween convert``: the scenario format's schema and conversions."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gobetween.cli import options
from gobetween.errors import FileFormatError, InvalidModel
from gobetween.formats import (
    DEFAULT_MAX_BYTES,
    dump_scenario,
    format_of,
    load_scenario_file,
    save_scenario,
    scenario_json_schema,
)

__all__ = ["convert", "schema"]


@click.command()
def schema() -> None:
    """Print the JSON Schema (2020-12) of the gobetween scenario format."""
    click.echo(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Format to print when TARGET is '-'.",
)
@options.real_steps
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / 2**20,
    show_default=True,
    help="Refuse input files larger than this many megabytes.",
)
@click.option("--force", is_flag=True, help="Replace TARGET if it is an existing YAML/JSON file.")
def convert(
    source: Path, target: Path, fmt: str, real_steps: int, max_mb: float, force: bool
) -> None:
    """Convert a scenario between YAML, JSON and a Genius folder.

    SOURCE is a .yaml/.yml/.json scenario, a Genius folder or a Genius domain .xml file (with
    its profiles beside it). TARGET is a .yaml/.yml/.json file, a folder name for Genius (new
    or without XML files), or '-' to print the scenario (see --format).
    """
    loaded = load_scenario_file(source, real_steps=real_steps, max_bytes=int(max_mb * 2**20))
    if str(target) == "-":
        click.echo(dump_scenario(loaded, "json" if fmt == "json" else "yaml"), nl=False)
        return
    kind = format_of(target)
    if kind != "genius" and target.exists() and not force:
        raise FileFormatError(
            "the file exists", source=str(target), expected="a new file name, or --force"
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
                ("packages", bool(loaded.packages)),
                ("mediators", bool(loaded.mediators)),
                ("description", bool(scenario.description)),
                ("metadata", bool(scenario.metadata)),
            )
            if present
        ]
        if dropped:
            click.echo(f"note: Genius XML has no place for: {', '.join(dropped)}", err=True)
    for path in written:
        click.echo(f"wrote {path}")
