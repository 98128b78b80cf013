"""``gobetween records``: the declared record kinds, and checking a file of one kind offline.

Thin commands: the kinds are :mod:`gobetween.monitoring.kinds_builtin`, the reader is
:mod:`gobetween.formats.records`. Voyages have their own commands (``gobetween voyages``).
"""

from __future__ import annotations

from pathlib import Path

import click

from gobetween.errors import InvalidModel
from gobetween.formats.records import read_entry_file
from gobetween.monitoring.kinds import REGISTRY, kind_named
from gobetween.monitoring.limits import ImportLimits

__all__ = ["records"]


@click.group()
def records() -> None:
    """The joint record's kinds (exchanges, incidents, ...) and their files."""


@records.command("kinds", short_help="List the record kinds and their columns.")
def kinds() -> None:
    """List every declared record kind: its columns (required or not, unit, who sees them)."""
    for kind in REGISTRY.values():
        click.echo(f"{kind.name}: {kind.description}")
        for f in kind.fields:
            flags = ["required" if f.required else "optional"]
            if f.confidential:
                flags.append("confidential")
            if f.public:
                flags.append("public once published")
            click.echo(f"  {f.label:<20} {f.expected} [{', '.join(flags)}]")
        for spec in kind.figures:
            click.echo(f"  figure {spec.name}: {spec.caveat}")


@records.command("check", short_help="Check a CSV or XLSX file of one kind.")
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--show", default=20, show_default=True, help="How many problems to list.")
@click.option(
    "--max-rows",
    default=50_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Refuse a file with more data rows (the service's GOBETWEEN_IMPORT_MAX_ROWS).",
)
def check(kind: str, file: Path, show: int, max_rows: int) -> None:
    """Read FILE as KIND (e.g. exchanges): print its problems by row and its figures with
    their caveats, as the service would import it. Exit status 2 when a row was skipped."""
    try:
        declared = kind_named(kind)
    except InvalidModel as error:
        raise click.BadParameter(f"{error.message} ({error.expected})", param_hint="KIND") from None
    if declared.own_reader:
        raise click.BadParameter("use `gobetween voyages import` for voyages", param_hint="KIND")
    result = read_entry_file(
        declared, file.name, file.read_bytes(), ImportLimits(max_rows, max(show, 1))
    )
    click.echo(
        f"{result.source}: {len(result.entries)} entries; {result.skipped_rows} rows skipped, "
        f"{result.duplicates} repeated rows, {result.blank_rows} blank rows"
    )
    for problem in result.problems[:show]:
        click.echo(f"  {problem}")
    hidden = result.problems_not_shown + max(0, len(result.problems) - show)
    if hidden:
        click.echo(f"  {hidden} more problem(s): `--show N` lists more")
    for name, table in declared.compute_figures(result.entries).items():
        click.echo(f"\n{name}\n  " + "  ".join(table.columns))
        for row in table.rows:
            click.echo("  " + "  ".join("-" if v is None else str(v) for v in row))
        click.echo(f"  caveat: {table.caveat}")
    if result.skipped_rows:
        raise SystemExit(2)
