"""The result store's refusals reach the user of ``gobetween tournament --out``: they are said
in the run's language (they were English only), and word for word as before in English."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween import i18n
from gobetween.batch.report import write_report
from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import plan_tasks
from gobetween.cli.main import cli
from gobetween.errors import ConfigurationError, InputError, ValidationFailed
from gobetween.formats import examples
from gobetween.service.errors import describe


def _tournament(folder: Path, out: Path, *language: str) -> str:
    (folder / "classroom.yaml").write_bytes(examples.path("classroom").read_bytes())
    args = [*language, "tournament", str(folder), "--seeds", "1", "--quiet", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def test_an_unknown_results_format_is_refused_in_ukrainian(tmp_path: Path) -> None:
    out = tmp_path / "results.txt"
    english = _tournament(tmp_path, out)
    assert f"error: {out}: unknown results format '.txt'" in english
    assert "(expected a name ending in .csv or .parquet)" in english
    ukrainian = _tournament(tmp_path, out, "--language", "uk")
    assert f"помилка: {out}: невідомий формат результатів '.txt'" in ukrainian
    assert "(очікувалося: назва, що закінчується на .csv або .parquet)" in ukrainian
    assert "results format" not in ukrainian
    assert "(expected" not in ukrainian
    assert not out.exists()


def test_a_name_without_extension_is_refused_in_ukrainian(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        ResultStore(tmp_path / "results")
    assert str(caught.value).endswith(
        "results: the results file's name has no extension"
        " (expected a name ending in .csv or .parquet)"
    )
    with i18n.use_locale("uk"):
        said = describe(caught.value)
    assert "назва файлу результатів не має розширення" in said
    assert "has no extension" not in said
    assert "(expected" not in said


def test_a_results_file_of_other_columns_is_refused_in_ukrainian(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    out.write_text("name,score\nx,1\n", encoding="utf-8")
    english = _tournament(tmp_path, out)
    assert "the results file has other columns than a tournament writes" in english
    assert "(expected the columns scenario, strategy, behaviour, seed," in english
    ukrainian = _tournament(tmp_path, out, "--language", "uk")
    assert "файл результатів має інші стовпці, ніж записує турнір" in ukrainian
    assert "(очікувалося: стовпці scenario, strategy, behaviour, seed," in ukrainian
    assert "other columns" not in ukrainian
    assert "(expected" not in ukrainian
    assert out.read_text(encoding="utf-8") == "name,score\nx,1\n"  # left as it was


def test_parquet_without_pyarrow_is_refused_in_ukrainian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # ``import pyarrow`` raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    store = ResultStore(tmp_path / "results.parquet")
    with pytest.raises(ConfigurationError) as caught:
        store.append([{"scenario": "toy"}])
    assert str(caught.value) == (
        "Parquet output needs pyarrow: pip install 'gobetween[parquet]' (or write .csv)"
    )
    with i18n.use_locale("uk"):
        said = describe(caught.value)
    assert said == (
        "для виводу в Parquet потрібен pyarrow: pip install 'gobetween[parquet]'"
        " (або запишіть .csv)"
    )
    assert not (tmp_path / "results.parquet").exists()


def test_the_tournament_refusals_of_its_folder_and_plan_in_ukrainian(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    runner = CliRunner()
    english = runner.invoke(cli, ["tournament", str(empty)])
    assert english.exit_code == 2
    assert f"error: {empty}: no scenario below this folder (expected scenario files" in (
        " ".join(english.output.split())
    )
    said = runner.invoke(cli, ["--language", "uk", "tournament", str(empty)])
    flat = " ".join(said.output.split())
    assert f"помилка: {empty}: у цій теці немає жодного сценарію" in flat
    assert "(очікувалося: файли сценаріїв (.yaml, .yml, .json) або теки Genius)" in flat
    (tmp_path / "classroom.yaml").write_bytes(examples.path("classroom").read_bytes())
    many = runner.invoke(cli, ["--language", "uk", "tournament", str(tmp_path), "--max-tasks", "5"])
    assert "більше за ліміт 5" in " ".join(many.output.split())
    assert "more than" not in many.output
    with pytest.raises(ValidationFailed) as caught:
        plan_tasks(["classroom"], ["nope"])
    assert str(caught.value).startswith("strategy: no strategy called 'nope' (expected one of ")
    with i18n.use_locale("uk"):
        assert describe(caught.value).startswith("strategy: немає стратегії з назвою 'nope'")


def test_an_unknown_report_format_is_refused_in_ukrainian(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_report([], tmp_path / "report.txt")
    assert str(caught.value).endswith(
        "report.txt: unknown report format '.txt' (expected a name ending in .json or .csv)"
    )
    with i18n.use_locale("uk"):
        said = describe(caught.value)
    assert said.endswith(
        "report.txt: невідомий формат звіту '.txt'"
        " (очікувалося: назва, що закінчується на .json або .csv)"
    )
