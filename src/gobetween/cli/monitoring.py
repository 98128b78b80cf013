"""``gobetween voyages``: import JCC voyage files and compute the joint record's figures.

Thin commands: reading is :mod:`gobetween.formats.jcc`, figures are
:mod:`gobetween.monitoring`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO

import click

from gobetween.cli.language import (
    Group,
    column,
    day,
    number,
    percent,
    row_problem,
    sentence,
    word,
)
from gobetween.errors import N_
from gobetween.formats.jcc import Note, read_jcc, write_shipments_csv, write_table_csv
from gobetween.i18n import _, ngettext
from gobetween.monitoring.figures import (
    FigureTable,
    VoyageArrays,
    VoyageSummary,
    dashboard,
    summary,
)
from gobetween.monitoring.obligations import (
    VOYAGE_FILE_CAVEATS,
    Metric,
    Obligation,
    evaluate_voyages,
)
from gobetween.monitoring.voyages import ImportResult, Shipment, merge

__all__ = ["voyages"]

_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
_SHEET = click.option("--sheet", help=N_("Workbook sheet to read (default: the first JCC sheet)."))


@click.group(
    cls=Group,
    help=N_("Import JCC voyage files (CSV or XLSX) and compute the implementation figures."),
)
def voyages() -> None:
    """``gobetween voyages`` (help: the N_ text above)."""


def _load(
    files: tuple[Path, ...], sheet: str | None, show: int, quiet: bool = False
) -> tuple[tuple[Shipment, ...], list[ImportResult]]:
    shipments: tuple[Shipment, ...] = ()
    results = []
    for path in files:
        result = read_jcc(path, sheet)
        merged = merge(shipments, result.shipments)
        shipments = merged.shipments
        results.append(result)
        if quiet:
            continue
        where = f" [{result.sheet}]" if result.sheet else ""
        click.echo(
            _(
                "%(file)s: %(rows)s cargo rows in %(voyages)s voyages; %(new)s new, %(known)s "
                "already known, %(updated)s updated; %(skipped)s rows skipped, %(repeated)s "
                "repeated rows, %(blank)s blank rows"
            )
            % {
                "file": f"{path}{where}",
                "rows": number(len(result.shipments)),
                "voyages": number(len(result.voyages)),
                "new": number(merged.new),
                "known": number(merged.duplicates),
                "updated": number(len(merged.updated)),
                "skipped": number(result.skipped_rows),
                "repeated": number(result.duplicates),
                "blank": number(result.blank_rows),
            }
        )
        for note in result.notes:
            said = sentence(note.sentence) if isinstance(note, Note) else note
            click.echo("  " + _("note: %(note)s") % {"note": said})
        for problem in result.problems[:show]:
            click.echo("  " + row_problem(problem))
        if len(result.problems) > show:
            more = len(result.problems) - show
            if show:
                hint = ngettext(
                    "%(num)d more problem: `gobetween voyages import --show N` lists them",
                    "%(num)d more problems: `gobetween voyages import --show N` lists them",
                    more,
                )
            else:
                hint = ngettext(
                    "%(num)d problem: `gobetween voyages import --show N` lists them",
                    "%(num)d problems: `gobetween voyages import --show N` lists them",
                    more,
                )
            click.echo("  " + hint % {"num": more})
    return shipments, results


def _echo_summary(s: VoyageSummary) -> None:
    click.echo(
        _("voyages: %(voyages)s   cargo rows: %(rows)s")
        % {"voyages": number(s.voyages), "rows": number(s.shipments)}
    )
    click.echo(
        _("tonnage: %(tonnes)s t (%(megatonnes)s Mt)")
        % {"tonnes": number(s.tonnes, 0), "megatonnes": number(s.tonnes / 1e6, 2)}
    )
    click.echo(
        _("to developing countries: %(share)s of the tonnage")
        % {"share": percent(s.developing_share, 1)}
    )
    click.echo(_("on WFP-chartered vessels: %(tonnes)s t") % {"tonnes": number(s.wfp_tonnes, 0)})
    ports = ", ".join(f"{port} {number(n)}" for port, n in s.shipments_by_port)
    click.echo(_("cargo rows by port: %(ports)s") % {"ports": ports})
    click.echo(
        _("departures: %(first)s to %(last)s")
        % {"first": day(s.first_departure), "last": day(s.last_departure)}
    )


@voyages.command(
    "import",
    short_help=N_("Import voyage files and print a summary."),
    help=N_(
        "Import FILES in order (later files update earlier ones) and print a summary.\n\n"
        "Rows are keyed by voyage number, IMO number and cargo index, so importing a file twice "
        "adds nothing. Every row that cannot be imported is listed with its row number."
    ),
)
@_FILES
@_SHEET
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Write the merged rows as CSV."),
)
@click.option(
    "--show", default=20, show_default=True, help=N_("How many problems to list per file.")
)
@click.option("--strict", is_flag=True, help=N_("Fail (exit status 2) when any row was skipped."))
def import_(
    files: tuple[Path, ...], sheet: str | None, out: Path | None, show: int, strict: bool
) -> None:
    """``gobetween voyages import`` (help: the N_ text above)."""
    shipments, results = _load(files, sheet, show)
    _echo_summary(summary(VoyageArrays.from_shipments(shipments)))
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = write_shipments_csv(shipments, stream)
        click.echo(
            ngettext(
                "wrote %(num)d cargo row to %(file)s", "wrote %(num)d cargo rows to %(file)s", count
            )
            % {"num": count, "file": out}
        )
    if strict:
        for result in results:
            result.check()


def _print_table(table: FigureTable) -> None:
    click.echo(f"\n{table.name}")  # the table's name, as its CSV file is called
    click.echo("  " + "  ".join(column(name) for name in table.columns))
    for row in table.rows:
        click.echo("  " + "  ".join(_cell(v) for v in row))
    if table.caveat:
        click.echo("  " + _("caveat: %(caveat)s") % {"caveat": word(table.caveat)})


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return number(value, 1) if abs(value) >= 1 or value == 0 else number(value, 3)
    return str(value)


@voyages.command(
    "figures",
    short_help=N_("Dashboard figures, printed or as CSV."),
    help=N_("Compute the dashboard figures of FILES: throughput, queue, waits, tonnage."),
)
@_FILES
@_SHEET
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help=N_("Write every figure table as DIR/<name>.csv."),
)
@click.option("--figure", help=N_("Print only this table, as CSV on standard output."))
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help=N_(
        "The day the record is read (queue length runs to it); default: last date in the data."
    ),
)
def figures(
    files: tuple[Path, ...],
    sheet: str | None,
    csv_dir: Path | None,
    figure: str | None,
    as_of: dt.datetime | None,
) -> None:
    """``gobetween voyages figures``."""
    shipments, _results = _load(files, sheet, show=0, quiet=figure is not None)
    arrays = VoyageArrays.from_shipments(shipments)
    tables = dashboard(arrays, None if as_of is None else as_of.date())
    if figure is not None:
        if figure not in tables:
            raise click.BadParameter(
                _("choose one of %(names)s") % {"names": ", ".join(tables)}, param_hint="--figure"
            )
        write_table_csv(tables[figure], sys.stdout)
        return
    _echo_summary(summary(arrays))
    _print_table(tables["departure_to_inspection"])
    _print_table(tables["throughput_per_month"])
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            with (csv_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as stream:
                write_table_csv(table, stream)
        click.echo(
            "\n"
            + ngettext(
                "wrote %(num)d table to %(dir)s/", "wrote %(num)d tables to %(dir)s/", len(tables)
            )
            % {"num": len(tables), "dir": csv_dir}
        )


@voyages.command(
    "compliance",
    short_help=N_("Days with fewer inspections than committed."),
    help=N_("Days on which fewer outbound inspections than committed were recorded in FILES."),
)
@_FILES
@_SHEET
@click.option(
    "--inspections-per-day",
    type=click.IntRange(min=0),
    required=True,
    help=N_("The commitment: at least this many outbound inspections a day."),
)
@click.option("--csv", "csv_out", type=click.File("w"), help=N_("Write the daily table as CSV."))
def compliance(
    files: tuple[Path, ...], sheet: str | None, inspections_per_day: int, csv_out: IO[str] | None
) -> None:
    """``gobetween voyages compliance``."""
    shipments, _results = _load(files, sheet, show=0, quiet=True)
    rule = Obligation(
        "inspections_per_day",
        party="Joint Coordination Centre",
        what="outbound inspections",
        metric=Metric.INSPECTIONS,
        threshold=inspections_per_day,
    )
    report = evaluate_voyages(rule, VoyageArrays.from_shipments(shipments))
    click.echo(
        _("%(party)s: outbound inspections at least %(threshold)s per day")
        % {"party": word(rule.party), "threshold": number(inspections_per_day)}
    )
    click.echo(
        _("days judged: %(judged)s   days missed: %(missed)s")
        % {"judged": number(len(report.periods)), "missed": number(report.missed_count)}
    )
    click.echo(_("caveat: %(caveat)s") % {"caveat": word(VOYAGE_FILE_CAVEATS[Metric.INSPECTIONS])})
    if csv_out is not None:
        write_table_csv(report.table(), csv_out)
