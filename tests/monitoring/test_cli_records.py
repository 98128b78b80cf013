"""``gobetween records``: the declared kinds, and a file checked offline with row-numbered
problems and its figures with their caveats."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gobetween.cli.main import cli

GOOD = (
    "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
    "EX-1,2022-09-21,Chernihiv region,Russian Federation,Ukraine,prisoners of war,215,ICRC\n"
)


def test_kinds_lists_every_kind_with_its_columns() -> None:
    result = CliRunner().invoke(cli, ["records", "kinds"])
    assert result.exit_code == 0, result.output
    for word in ("exchanges:", "incidents:", "voyages:", "Names list", "confidential"):
        assert word in result.output


def test_check_reports_rows_and_prints_figures_with_caveats(tmp_path: Path) -> None:
    good = tmp_path / "returns.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["records", "check", "exchanges", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 entries; 0 rows skipped" in result.output
    assert "caveat: Counts the people the observer verified" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "EX-2,2022-09-31,x,A,B,civilians,2,ICRC\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["records", "check", "exchanges", str(bad)])
    assert result.exit_code == 2
    assert "row 3, Date: not a date: '2022-09-31'" in result.output
    result = CliRunner().invoke(cli, ["records", "check", "ships", str(good)])
    assert result.exit_code != 0
    assert "no record kind 'ships'" in result.output
