"""A workbook's rows are counted in its zip before any parser reads it (issue 9)."""

from __future__ import annotations

import io
import zipfile

import pytest

from gobetween.errors import DataImportError, FileFormatError
from gobetween.formats.xlsx_limits import check_workbook
from gobetween.monitoring.limits import ImportLimits


@pytest.mark.parametrize("row", ["<row r='1'/>", "<x:row r='1'/>", "<row>"])
def test_rows_are_counted_with_or_without_a_namespace_prefix(row: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + row * 40_000)
    check_workbook(buffer, ImportLimits(max_rows=40_000), "ok.xlsx")
    with pytest.raises(DataImportError, match="more than 39,998 data rows"):
        check_workbook(buffer, ImportLimits(max_rows=39_998), "big.xlsx")


def test_a_sheet_that_expands_beyond_its_bound_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + " " * 5_000_000)
    assert len(buffer.getvalue()) < 20_000  # a small zip that expands a thousandfold
    with pytest.raises(FileFormatError, match="expands to more than 4,000,000 bytes"):
        check_workbook(buffer, ImportLimits(max_rows=1), "bomb.xlsx")
