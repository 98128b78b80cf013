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

from gobetween.formats.jcc import read_jcc, write_shipments_csv, write_table_csv
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
_SHEET = click.option("--sheet", help="Workbook sheet to read (default: the first JCC sheet).")


@click.group()
def voyages() -> None:
    """Import JCC voyage files (CSV or XLSX) and compute the implementation figures."""


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
            f"{path}{where}: {len(result.shipments)} cargo rows in {len(result.voyages)} voyages; "
            f"{merged.new} new, {merged.duplicates} already known, {len(merged.updated)} updated; "
            f"{result.skipped_rows} rows skipped, {result.duplicates} repeated rows, "
            f"{result.blank_rows} blank rows"
        )
        for note in result.notes:
            click.echo(f"  note: {note}")
        for problem in result.problems[:show]:
            click.echo(f"  {problem}")
        if len(result.problems) > show:
            more = len(result.problems) - show
            hint = "more " if show else ""
            click.echo(f"  {more} {hint}problem(s): `gobetween voyages import --show N` lists them")
    return shipments, results


def _echo_summary(s: VoyageSummary) -> None:
    click.echo(f"voyages: {s.voyages:,}   cargo rows: {s.shipments:,}")
    click.echo(f"tonnage: {s.tonnes:,.0f} t ({s.tonnes / 1e6:.2f} Mt)")
    click.echo(f"to developing countries: {100 * s.developing_share:.1f} % of the tonnage")
    click.echo(f"on WFP-chartered vessels: {s.wfp_tonnes:,.0f} t")
    ports = ", ".join(f"{port} {n}" for port, n in s.shipments_by_port)
    click.echo(f"cargo rows by port: {ports}")
    click.echo(f"departures: {s.first_departure} to {s.last_departure}")


@voyages.command("import", short_help="Import voyage files and print a summary.")
@_FILES
@_SHEET
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the merged rows as CSV."
)
@click.option("--show", default=20, show_default=True, help="How many problems to list per file.")
@click.option("--strict", is_flag=True, help="Fail (exit status 2) when any row was skipped.")
def import_(
    files: tuple[Path, ...], sheet: str | None, out: Path | None, show: int, strict: bool
) -> None:
    """Import FILES in order (later files update earlier ones) and print a summary.

    Rows are keyed by voyage number, IMO number and cargo index, so importing a file twice
    adds nothing. Every row that cannot be imported is listed with its row number.
    """
    shipments, results = _load(files, sheet, show)
    _echo_summary(summary(VoyageArrays.from_shipments(shipments)))
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = write_shipments_csv(shipments, stream)
        click.echo(f"wrote {count} cargo rows to {out}")
    if strict:
        for result in results:
            result.check()


def _print_table(table: FigureTable) -> None:
    click.echo(f"\n{table.name}")
    click.echo("  " + "  ".join(table.columns))
    for row in table.rows:
        click.echo("  " + "  ".join(_cell(v) for v in row))
    if table.caveat:
        click.echo(f"  caveat: {table.caveat}")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    return str(value)


@voyages.command("figures", short_help="Dashboard figures, printed or as CSV.")
@_FILES
@_SHEET
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write every figure table as DIR/<name>.csv.",
)
@click.option("--figure", help="Print only this table, as CSV on standard output.")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day the record is read (queue length runs to it); default: last date in the data.",
)
def figures(
    files: tuple[Path, ...],
    sheet: str | None,
    csv_dir: Path | None,
    figure: str | None,
    as_of: dt.datetime | None,
) -> None:
    """Compute the dashboard figures of FILES: throughput, queue, waits, tonnage."""
    shipments, _ = _load(files, sheet, show=0, quiet=figure is not None)
    arrays = VoyageArrays.from_shipments(shipments)
    tables = dashboard(arrays, None if as_of is None else as_of.date())
    if figure is not None:
        if figure not in tables:
            raise click.BadParameter(f"choose one of {', '.join(tables)}", param_hint="--figure")
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
        click.echo(f"\nwrote {len(tables)} tables to {csv_dir}/")


@voyages.command("compliance", short_help="Days with fewer inspections than committed.")
@_FILES
@_SHEET
@click.option(
    "--inspections-per-day",
    type=click.IntRange(min=0),
    required=True,
    help="The commitment: at least this many outbound inspections a day.",
)
@click.option("--csv", "csv_out", type=click.File("w"), help="Write the daily table as CSV.")
def compliance(
    files: tuple[Path, ...], sheet: str | None, inspections_per_day: int, csv_out: IO[str] | None
) -> None:
    """Days on which fewer outbound inspections than committed were recorded in FILES."""
    shipments, _ = _load(files, sheet, show=0, quiet=True)
    rule = Obligation(
        "inspections_per_day",
        party="Joint Coordination Centre",
        what="outbound inspections",
        metric=Metric.INSPECTIONS,
        threshold=inspections_per_day,
    )
    report = evaluate_voyages(rule, VoyageArrays.from_shipments(shipments))
    click.echo(rule.describe())
    click.echo(f"days judged: {len(report.periods)}   days missed: {report.missed_count}")
    click.echo(f"caveat: {VOYAGE_FILE_CAVEATS[Metric.INSPECTIONS]}")
    if csv_out is not None:
        write_table_csv(report.table(), csv_out)
