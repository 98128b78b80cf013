"""A workbook whose shared strings (or any part besides its sheets) expand far beyond what its
rows could need is refused before openpyxl reads it: 422 naming the bound, at once."""

from __future__ import annotations

import io
import time
import zipfile

import openpyxl
from tests.service.test_implement import _import, aid  # noqa: F401 (aid is a fixture)
from tests.service.world import World

HEADER = ["Status", "#", "Vessel name", "IMO", "Departure port", "Country", "Commodity"]
SHARED = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def bomb(expanded_mb: int) -> bytes:
    """A one-row workbook with a shared string of ``expanded_mb`` MB (it compresses ~1,000:1)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADER, "Metric tons", "Departure date"])
    sheet.append(["Outbound", 1, "X", 9000001, "Odesa", "Kenya", "Wheat", 1000, "1-Aug-2022"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            if name == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rIdS" Type="{RELATION}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            z.writestr(name, data)
        z.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>"
            + b"A" * (expanded_mb << 20)
            + b"</t></si></sst>",
        )
    return out.getvalue()


def test_a_workbook_of_expanding_strings_is_refused_at_once(world: World, aid: int) -> None:  # noqa: F811
    payload = bomb(300)
    assert len(payload) < 400_000
    started = time.perf_counter()
    r = _import(world, "un", aid, "v.xlsx", payload)
    # before: 201 after reading it all (200 MB of strings: 1.75 s, 712 MB; 800 MB: 11.6 s, 2.5 GB)
    assert time.perf_counter() - started < 2
    assert r.status_code == 422, r.text
    assert "other than its sheets expand to more than" in r.json()["detail"]
    small = _import(world, "un", aid, "v.xlsx", bomb(1))
    assert small.status_code in (200, 201), small.text
