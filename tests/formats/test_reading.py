"""File safety: size, emptiness, encodings, directories and unsafe XML are refused by name."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gobetween.errors import FileFormatError, UnsafeXML
from gobetween.formats import load_scenario
from gobetween.formats.reading import DEFAULT_MAX_BYTES, parse_xml, read_bytes, read_text

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<utility_space>&lol4;</utility_space>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<negotiation_template>&secret;</negotiation_template>
"""


def test_a_50_mb_file_is_refused_quickly_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    start = time.perf_counter()
    with pytest.raises(FileFormatError) as info:
        load_scenario(big)
    assert time.perf_counter() - start < 0.5
    error = info.value
    assert error.source == str(big)
    assert "too large (50.0 MB)" in str(error)
    assert error.expected == f"at most {DEFAULT_MAX_BYTES / 2**20:.1f} MB"


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("{}" + " " * 100)
    with pytest.raises(FileFormatError, match="too large"):
        read_bytes(path, max_bytes=50)
    assert read_bytes(path, max_bytes=200).startswith(b"{}")


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_an_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: the file is empty (expected some content)"


def test_non_utf8_bytes_are_refused_with_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    content = b"gobetween: 1\nname: Caf\xe9\n"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as info:
        load_scenario(path)
    error = info.value
    assert error.source == str(path)
    offset = content.index(b"\xe9")
    assert error.location == f"line 2, byte {offset}"
    assert "byte 0xe9" in error.message
    assert error.expected == "UTF-8 text"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_text(path) == "a: 1\n"


def test_missing_files_and_directories_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError) as info:
        load_scenario(tmp_path / "nothing.yaml")
    assert info.value.expected == "an existing file"
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(FileFormatError, match="this is a directory"):
        read_bytes(folder)


def test_an_xml_bomb_is_refused_before_expansion() -> None:
    start = time.perf_counter()
    with pytest.raises(UnsafeXML) as info:
        parse_xml(BOMB, source="bomb.xml")
    assert time.perf_counter() - start < 0.5
    assert info.value.source == "bomb.xml"
    assert "DTD" in info.value.message


def test_an_external_entity_is_refused() -> None:
    with pytest.raises(UnsafeXML) as info:
        parse_xml(EXTERNAL, source="xxe.xml")
    assert "passwd" not in str(info.value)
    assert isinstance(info.value, FileFormatError)


def test_an_xml_bomb_in_a_genius_folder_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "domain.xml").write_bytes(BOMB.replace(b"utility_space", b"negotiation_template"))
    (tmp_path / "party.xml").write_bytes(b"<utility_space/>")
    with pytest.raises(UnsafeXML) as info:
        load_scenario(tmp_path)
    assert info.value.source == str(tmp_path / "domain.xml")


def test_malformed_xml_names_line_and_column() -> None:
    with pytest.raises(FileFormatError) as info:
        parse_xml(b"<a>\n<b></a>", source="bad.xml")
    assert info.value.location == "line 2, column 6"
    assert "mismatched tag" in info.value.message


def test_parsed_xml_remembers_lines() -> None:
    root = parse_xml(b"<a>\n  <b x='1'/>\n  <c><b x='2'/></c>\n</a>")
    assert [(b.get("x"), b.line) for b in root.iter("b")] == [("1", 2), ("2", 3)]
    assert root.find("c") is not None
    assert root.findall("b")[0].get("y", "none") == "none"


def test_xml_follows_its_encoding_declaration_and_refuses_bad_bytes() -> None:
    declared = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<a v="Türkiye"/>'.encode("latin-1")
    assert parse_xml(declared).get("v") == "Türkiye"
    with pytest.raises(FileFormatError) as info:
        parse_xml(b'<a>\n<b v="T\xfcrkiye"/></a>', source="latin.xml")
    assert info.value.location == "line 2, column 8"  # the byte 0xfc after "T"
    assert info.value.expected == "well-formed XML"
