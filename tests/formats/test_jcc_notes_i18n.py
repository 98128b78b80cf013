"""The notes of a voyage import (an ignored column, the HXL hashtag row, a file dated by
inspection) are said in the reader's language by ``gobetween voyages import`` (they were English
only); ``ImportResult.notes`` still holds their English text."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gobetween import i18n
from gobetween.cli.language import sentence
from gobetween.cli.main import cli
from gobetween.formats.jcc import Note, read_csv_text, read_xlsx

DATA = Path(__file__).parents[1] / "data" / "bsgi"
HEADER = (
    "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,"
    "Departure date,Inspection cleared,WFP,Remarks\n"
)
ROW = "Outbound,1,RAZONI,9086526,Odesa,Lebanon,Corn,26527,1-Aug-2022,3-Aug-2022,,late\n"


def test_an_ignored_column_is_noted_in_ukrainian(tmp_path: Path) -> None:
    path = tmp_path / "voyages.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    english = CliRunner().invoke(cli, ["voyages", "import", str(path)])
    assert english.exit_code == 0, english.output
    assert "note: ignored columns: Remarks" in english.output
    ukrainian = CliRunner().invoke(cli, ["--language", "uk", "voyages", "import", str(path)])
    assert ukrainian.exit_code == 0, ukrainian.output
    assert "ignored columns" not in ukrainian.output
    assert "Remarks" in ukrainian.output  # the file's own column keeps its name
    result = read_csv_text(HEADER + ROW, "voyages.csv")
    assert result.notes == ("ignored columns: Remarks",)
    (note,) = result.notes
    assert isinstance(note, Note)
    with i18n.use_locale("uk"):
        said = sentence(note.sentence)
    assert said == "пропущені стовпці: Remarks"
    assert f"примітка: {said}" in ukrainian.output


def test_the_hxl_row_and_a_file_dated_by_inspection_are_noted_in_ukrainian() -> None:
    (hxl,) = read_xlsx(DATA / "vessel_movements_slice.xlsx", sheet="Data_HXL").notes
    assert hxl == "row 2: HXL hashtag row skipped"
    assert isinstance(hxl, Note)
    by_inspection = read_csv_text(
        "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,"
        "Inspection cleared\n" + "Outbound,1,RAZONI,9086526,Odesa,Lebanon,Corn,26527,3-Aug-2022\n",
        "inspected.csv",
    ).notes
    assert any(
        str(note).startswith("the file dates its rows by inspection") for note in by_inspection
    )
    with i18n.use_locale("uk"):
        assert sentence(hxl.sentence) == "рядок 2: рядок хештегів HXL пропущено"
        said = [sentence(n.sentence) for n in by_inspection if isinstance(n, Note)]
    assert any(s.startswith("файл датує рядки за інспекцією, а не за відправленням") for s in said)
