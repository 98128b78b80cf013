"""``gobetween records``: the declared record kinds, and checking a file of one kind offline.

Thin commands: the kinds are :mod:`gobetween.monitoring.kinds_builtin`, the reader is
:mod:`gobetween.formats.records`. Voyages have their own commands (``gobetween voyages``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from gobetween.agreements import Bundle
from gobetween.cli.agreement import MAX_BUNDLE_BYTES
from gobetween.cli.language import Group, day, expected, number, refusal, row_problem, word
from gobetween.errors import N_, InvalidModel
from gobetween.formats.reading import read_bytes
from gobetween.formats.record_templates import import_words
from gobetween.formats.records import read_entry_file
from gobetween.i18n import _, ngettext
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.kinds import REGISTRY, kind_named
from gobetween.monitoring.limits import ImportLimits

__all__ = ["records"]


@click.group(
    cls=Group, help=N_("The joint record's kinds (exchanges, incidents, ...) and their files.")
)
def records() -> None:
    """``gobetween records`` (help: the N_ text above)."""


@records.command(
    "kinds",
    short_help=N_("List the record kinds and their columns."),
    help=N_("List every declared record kind: its columns (required or not, unit, who sees them)."),
)
def kinds() -> None:
    """``gobetween records kinds``: the kinds' names stay as typed on the command line."""
    for kind in REGISTRY.values():
        click.echo(f"{kind.name}: {word(kind.description)}")
        for f in kind.fields:
            flags = [_("required") if f.required else _("optional")]
            if f.confidential:
                flags.append(_("confidential"))
            if f.public:
                flags.append(_("public once published"))
            click.echo(f"  {word(f.label):<20} {expected(f)} [{', '.join(flags)}]")
        for spec in kind.figures:
            click.echo(
                "  "
                + _("figure %(name)s: %(caveat)s")
                % {"name": spec.name, "caveat": word(spec.caveat)}
            )


def _bounds(
    bundle_path: Path | None, parties: tuple[str, ...], in_force: dt.datetime | None
) -> RecordBounds | None:
    """The agreement's bounds from its signed bundle, or from ``--party`` and ``--in-force``
    (today: the latest day anywhere on Earth now, as the service reckons it); ``None``
    without either, when the parties and days are not checked."""
    now = dt.datetime.now(dt.UTC)
    if bundle_path is not None:
        if parties or in_force is not None:
            raise click.UsageError(_("give --agreement, or --party with --in-force, not both"))
        bundle = Bundle.from_bytes(read_bytes(bundle_path, max_bytes=MAX_BUNDLE_BYTES))
        return RecordBounds.of_bundle(bundle, now)
    if bool(parties) != (in_force is not None):
        raise click.UsageError(_("--party and --in-force go together"))
    if in_force is None:
        return None
    return RecordBounds.on(parties, in_force.date(), now)


@records.command(
    "check",
    short_help=N_("Check a CSV or XLSX file of one kind."),
    help=N_(
        "Read FILE as KIND (e.g. exchanges): print its problems by row and its figures with "
        "their caveats, as the service would import it. With --agreement (or --party and "
        "--in-force), a row naming someone who is not a signatory party, or dated before the "
        "entry into force or after today, is a problem too. Exit status 2 when a row was "
        "skipped."
    ),
)
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--agreement",
    "bundle_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_(
        "The agreement's signed bundle (the file its page offers): check the parties and "
        "dates as the service's import does."
    ),
)
@click.option(
    "--party",
    "parties",
    multiple=True,
    help=N_("A signatory party of the agreement (repeat for each), with --in-force."),
)
@click.option(
    "--in-force",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help=N_("The day the agreement entered into force (YYYY-MM-DD), with --party."),
)
@click.option("--show", default=20, show_default=True, help=N_("How many problems to list."))
@click.option(
    "--max-rows",
    default=50_000,
    show_default=True,
    type=click.IntRange(min=1),
    help=N_("Refuse a file with more data rows (the service's GOBETWEEN_IMPORT_MAX_ROWS)."),
)
def check(
    kind: str,
    file: Path,
    bundle_path: Path | None,
    parties: tuple[str, ...],
    in_force: dt.datetime | None,
    show: int,
    max_rows: int,
) -> None:
    """``gobetween records check`` (help: the N_ text above)."""
    try:
        declared = kind_named(kind)
    except InvalidModel as error:
        raise click.BadParameter(refusal(error), param_hint="KIND") from None
    if declared.own_reader:
        raise click.BadParameter(_("use `gobetween voyages import` for voyages"), param_hint="KIND")
    bounds = _bounds(bundle_path, parties, in_force)
    limits = ImportLimits(max_rows, max(show, 1))
    words = import_words(declared)  # the headers its template writes in any language
    data = file.read_bytes()
    result = read_entry_file(declared, file.name, data, limits, bounds, words)
    if bounds is not None:
        click.echo(
            _(
                "checked against the agreement's parties (%(parties)s) and its days, from "
                "%(in_force)s to %(latest)s"
            )
            % {
                "parties": ", ".join(bounds.parties),
                "in_force": day(bounds.in_force),
                "latest": day(bounds.latest),
            }
        )
    click.echo(
        _(
            "%(file)s: %(entries)s entries; %(skipped)s rows skipped, %(repeated)s repeated "
            "rows, %(blank)s blank rows"
        )
        % {
            "file": result.source,
            "entries": number(len(result.entries)),
            "skipped": number(result.skipped_rows),
            "repeated": number(result.duplicates),
            "blank": number(result.blank_rows),
        }
    )
    for problem in result.problems[:show]:
        click.echo("  " + row_problem(problem))
    hidden = result.problems_not_shown + max(0, len(result.problems) - show)
    if hidden:
        click.echo(
            "  "
            + ngettext(
                "%(num)d more problem: `--show N` lists more",
                "%(num)d more problems: `--show N` lists more",
                hidden,
            )
            % {"num": hidden}
        )
    for name, table in declared.compute_figures(result.entries).items():
        click.echo(f"\n{name}\n  " + "  ".join(word(column) for column in table.columns))
        for row in table.rows:
            click.echo("  " + "  ".join("-" if v is None else word(str(v)) for v in row))
        click.echo("  " + _("caveat: %(caveat)s") % {"caveat": word(table.caveat)})
    if result.skipped_rows:
        raise SystemExit(2)
