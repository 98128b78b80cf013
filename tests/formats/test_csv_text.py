"""CSV files, JCC voyages and record kinds alike, are read as UTF-8 and refused at the bad byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from gobetween.errors import FileFormatError
from gobetween.formats.jcc import read_csv
from gobetween.formats.records import read_entry_file
from gobetween.monitoring.kinds_builtin import EXCHANGES

LATIN_1 = "Exchange,Date\nEX-1,Dnipró\n".encode("latin-1")


def test_a_record_file_that_is_not_utf8_is_refused_at_its_first_bad_byte() -> None:
    with pytest.raises(FileFormatError) as caught:
        read_entry_file(EXCHANGES, "records.csv", LATIN_1)
    # in plain words, never the codec's ("invalid continuation byte"), and the header expected
    assert str(caught.value) == (
        "records.csv, byte 24: the file is not CSV text: it is not text in UTF-8 (a workbook, a"
        " picture or text saved in another encoding) (expected a CSV file of Exchanges saved as"
        " UTF-8 text, with a header row naming the columns as the kind's template does, in"
        " English (Exchange, Date, Place, Released by, Returned to, Category, Number, Verified"
        " by) or in an interface language)"
    )


def test_a_voyage_file_that_is_not_utf8_is_refused_alike(tmp_path: Path) -> None:
    path = tmp_path / "voyages.csv"
    path.write_bytes(LATIN_1)
    with pytest.raises(FileFormatError) as caught:
        read_csv(path)
    assert str(caught.value) == (
        f"{path}, byte 24: not UTF-8 text (invalid continuation byte) (expected a UTF-8 CSV file)"
    )
