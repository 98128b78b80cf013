"""``gobetween voyages``: import summary, idempotent re-import, figures and CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween.cli.main import COMMANDS, cli, main

DATA = Path(__file__).parents[1] / "data" / "bsgi"
CSV_SLICE = str(DATA / "outbound_shipments_slice.csv")
XLSX_SLICE = str(DATA / "vessel_movements_slice.xlsx")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_voyages_is_registered() -> None:
    assert COMMANDS["voyages"] == "gobetween.cli.monitoring:voyages"
    assert "import" in run("voyages", "--help")


def test_import_prints_a_summary_and_problems_by_row() -> None:
    out = run("voyages", "import", CSV_SLICE)
    assert "36 cargo rows in 31 voyages; 36 new" in out
    assert "row 23, Vessel name" in out
    assert "voyages: 31" in out
    assert "to developing countries:" in out


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    merged = tmp_path / "merged.csv"
    out = run("voyages", "import", XLSX_SLICE, CSV_SLICE, CSV_SLICE, "--out", str(merged))
    lines = [line for line in out.splitlines() if "cargo rows in" in line]
    assert "0 new, 36 already known, 0 updated" in lines[2]
    assert "[Data]" in lines[0]
    with merged.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    keys = [(r[1], r[3]) for r in rows[1:] if r[0] == "Outbound"]
    assert len(keys) == len(set(keys))
    again = run("voyages", "import", str(merged), CSV_SLICE)
    second = [line for line in again.splitlines() if "cargo rows in" in line][1]
    assert "0 new, 36 already known, 0 updated" in second


def test_strict_fails_with_the_first_skipped_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    text = Path(CSV_SLICE).read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("Outbound +", "Sideways", 1)
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["voyages", "import", "--strict", str(bad)])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "row 3, Status: unknown status 'Sideways'" in captured.out
    assert "row 3: 1 row cannot be imported" in captured.err
    main(["voyages", "import", "--strict", CSV_SLICE])  # a warning alone does not fail


def test_figures_write_every_table(tmp_path: Path) -> None:
    out = run("voyages", "figures", CSV_SLICE, "--csv", str(tmp_path / "figs"))
    assert "departure_to_inspection" in out
    names = sorted(p.stem for p in (tmp_path / "figs").glob("*.csv"))
    assert "queue_length" in names
    assert "tonnage_by_income_group" in names
    with (tmp_path / "figs" / "departure_to_inspection.csv").open(encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert header == [
        "month",
        "inspected",
        "waiting",
        "median_days",
        "p90_days",
        "mean_days",
        "caveat",
    ]


def test_one_figure_as_csv_on_stdout() -> None:
    out = run("voyages", "figures", CSV_SLICE, "--figure", "tonnage_by_departure_port")
    assert out.splitlines()[0] == "departure_port,shipments,tonnes,share,caveat"
    result = CliRunner().invoke(cli, ["voyages", "figures", CSV_SLICE, "--figure", "nope"])
    assert result.exit_code == 2
    assert "choose one of" in result.output


def test_compliance_reports_days_missed(tmp_path: Path) -> None:
    table = tmp_path / "c.csv"
    out = run("voyages", "compliance", CSV_SLICE, "--inspections-per-day", "1", "--csv", str(table))
    assert "at least 1 per day" in out
    assert "days missed:" in out
    assert table.read_text().startswith("period,count,threshold,missed\n")


@pytest.mark.parametrize("args", [["voyages", "import"], ["voyages", "import", "missing.csv"]])
def test_usage_errors(args: list[str]) -> None:
    assert CliRunner().invoke(cli, args).exit_code == 2
