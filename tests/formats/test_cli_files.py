"""``gobetween schema`` and ``gobetween convert``: thin commands, one-line errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.formats.conftest import GENIUS_TEST_DATA

from gobetween.cli.main import main
from gobetween.formats import examples, load_scenario, load_scenario_file, scenario_json_schema


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == scenario_json_schema()


def test_convert_yaml_to_json_and_back(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = examples.path("black_sea_corridor")
    code, out, _ = run(capsys, "convert", str(source), str(tmp_path / "c.json"))
    assert code == 0
    assert "wrote" in out
    code, _, _ = run(capsys, "convert", str(tmp_path / "c.json"), str(tmp_path / "c.yml"))
    assert code == 0
    assert load_scenario_file(tmp_path / "c.yml") == load_scenario_file(source)
    code, _, err = run(capsys, "convert", str(source), str(tmp_path / "c.json"))
    assert code == 2
    assert "the file exists (expected a new file name, or --force)" in err
    code, _, _ = run(capsys, "convert", "--force", str(source), str(tmp_path / "c.json"))
    assert code == 0


def test_convert_genius_folder_to_yaml_and_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = GENIUS_TEST_DATA / "vacation"
    code, out, _ = run(capsys, "convert", str(folder), "-")
    assert code == 0
    assert out.startswith("# gobetween scenario")
    (tmp_path / "v.yaml").write_text(out, encoding="utf-8")
    code, out, err = run(capsys, "convert", str(tmp_path / "v.yaml"), str(tmp_path / "g"))
    assert code == 0
    assert "note: Genius XML has no place for: metadata" in err
    again, original = load_scenario(tmp_path / "g"), load_scenario(folder)
    assert again.agenda == original.agenda
    code, out, _ = run(capsys, "convert", "--format", "json", str(folder), "-")
    assert json.loads(out)["gobetween"] == 1


def test_errors_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("gobetween: 1\nagenda: {issues: []}\nparties: {}\n", encoding="utf-8")
    code, _, err = run(capsys, "convert", str(bad), str(tmp_path / "out.json"))
    assert code == 2
    assert err.startswith(f"error: {bad}, line 3, parties: this mapping is empty (expected a ")
    assert "Traceback" not in err
    assert err.count("\n") == 1
    code, _, err = run(
        capsys, "convert", str(examples.path("black_sea_corridor")), str(tmp_path / "genius")
    )
    assert code == 2
    assert (
        "black_sea_corridor.yaml, parties.Ukraine.red_lines: party 'Ukraine' has red lines" in err
    )
    code, _, err = run(capsys, "convert", str(tmp_path / "x.txt"), str(tmp_path / "y.json"))
    assert code == 2
    assert "unknown file type '.txt'" in err


def test_max_mb_is_applied(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "convert", "--max-mb", "0.001", str(examples.path("black_sea_corridor")), "-"
    )
    assert code == 2
    assert "too large" in err
