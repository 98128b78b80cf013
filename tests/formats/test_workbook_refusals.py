"""A workbook that cannot be read is refused alike whichever step failed, in the reader's
language (the damaged sheet's refusal was English only)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gobetween import i18n
from gobetween.errors import FileFormatError
from gobetween.formats.xlsx_limits import open_workbook, unreadable_sheet
from gobetween.monitoring.limits import DEFAULT_LIMITS
from gobetween.service.errors import describe


def test_a_damaged_sheet_is_refused_in_english_and_in_the_reader_language() -> None:
    error = unreadable_sheet(KeyError("xl/worksheets/sheet1.xml"), "v.xlsx [Voyages]")
    assert isinstance(error, FileFormatError)
    assert str(error) == (
        "v.xlsx [Voyages]: cannot read the sheet: 'xl/worksheets/sheet1.xml'"
        " (expected an .xlsx workbook)"
    )
    with i18n.use_locale("uk"):
        said = describe(error)
    assert "неможливо прочитати аркуш: 'xl/worksheets/sheet1.xml'" in said
    assert "cannot read" not in said


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    path = tmp_path / "notes.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileFormatError) as caught:
        open_workbook(path, DEFAULT_LIMITS, "notes.xlsx")
    assert str(caught.value).startswith("notes.xlsx: cannot open the workbook: ")
    assert str(caught.value).endswith(" (expected an .xlsx workbook)")
