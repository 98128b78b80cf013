"""Large import files, generated: the probe's files of issue 9 and the largest file allowed.

- :func:`probe_xlsx`: a workbook of 300,000 cargo rows in the JCC layout, every row the same
  with a bad tonnage (under 1 MB compressed, as the probe's 833 KB file).
- :func:`probe_csv`: a 19.5 MB CSV of valid cargo rows (about 150,000 rows).
- :func:`largest_allowed_csv`: a valid CSV with exactly ``max_rows`` data rows (the default
  ``GOBETWEEN_IMPORT_MAX_ROWS``), the heaviest import the service accepts; the load test of
  issue 9 imports it while posts elsewhere must keep answering.

The workbook is written as SpreadsheetML by hand (inline strings, one ``zipfile``): openpyxl
takes minutes to write 300,000 rows, this takes about a second.
"""

from __future__ import annotations

import io
import zipfile

HEADER = (
    "Status",
    "#",
    "Vessel name",
    "IMO",
    "Departure port",
    "Country",
    "Commodity",
    "Metric tons",
    "Departure date",
)
PORTS = ("Odesa", "Chornomorsk", "Yuzhny/Pivdennyi")
COUNTRIES = ("Türkiye", "Egypt", "China", "Spain", "Kenya")
COMMODITIES = ("Corn", "Wheat", "Sunflower oil", "Barley")

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_DOC}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _cell(value: str | int) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _row(number: int, values: tuple[str | int, ...]) -> str:
    return f'<row r="{number}">' + "".join(_cell(v) for v in values) + "</row>"


def cargo_row(i: int, tonnes: str | int | None = None) -> tuple[str | int, ...]:
    """The ``i``-th generated cargo row (voyage ``i + 1``): status to departure date."""
    return (
        "Outbound",
        i + 1,
        f"VESSEL {i % 997}",
        9_000_000 + i,
        PORTS[i % 3],
        COUNTRIES[i % 5],
        COMMODITIES[i % 4],
        25_000 + i % 1000 if tonnes is None else tonnes,
        f"{1 + i % 28}-Aug-2022",
    )


def probe_xlsx(rows: int = 300_000, *, bad: bool = True) -> bytes:
    """A JCC-layout workbook of ``rows`` cargo rows; with ``bad`` every tonnage is ``n/a``."""
    sheet = io.StringIO()
    sheet.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    sheet.write(_row(1, HEADER))
    same = cargo_row(0, "n/a")  # the probe's rows were alike: the file compresses to ~1 MB
    for i in range(rows):
        sheet.write(_row(i + 2, same if bad else cargo_row(i)))
    sheet.write("</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
    return out.getvalue()


def _csv(rows: int | None = None, size: int | None = None) -> bytes:
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    i = 0
    while (rows is not None and i < rows) or (size is not None and out.tell() < size):
        out.write(",".join(str(v) for v in cargo_row(i)) + "\n")
        i += 1
    return out.getvalue().encode()


def probe_csv(size: int = 19_500_000) -> bytes:
    """A CSV of valid cargo rows of just over ``size`` bytes (the probe's 19.5 MB file)."""
    return _csv(size=size)


def largest_allowed_csv(max_rows: int = 50_000) -> bytes:
    """The heaviest import the service accepts: ``max_rows`` valid cargo rows."""
    return _csv(rows=max_rows)
