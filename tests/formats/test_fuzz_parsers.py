"""Every file parser of gobetween, fed arbitrary bytes and mutations of real files, answers with
a :class:`~gobetween.errors.GobetweenError` (or a result), never another exception: scenario
YAML and JSON, Genius XML, JCC CSV and XLSX, agreement bundles and specs, the CaSiNo and Deal or
No Deal corpora, the record files of every kind (CSV, XLSX) and the uploaded-agenda reader of
the service.

The number of examples per parser is ``GOBETWEEN_FUZZ_EXAMPLES`` (default 40), so ``make test``
stays bounded; set it higher for a longer run.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gobetween.agreements.bundle import Bundle
from gobetween.errors import GobetweenError
from gobetween.formats import examples
from gobetween.formats.agreement_spec import instruments_from_spec
from gobetween.formats.casino import read_casino
from gobetween.formats.dealornodeal import read_dealornodeal
from gobetween.formats.documents import parse_yaml
from gobetween.formats.genius import load_genius
from gobetween.formats.jcc import read_csv, read_csv_text, read_xlsx
from gobetween.formats.reading import decode_utf8
from gobetween.formats.records import read_entry_file
from gobetween.formats.scenario_file import dump_scenario, loads_scenario_file
from gobetween.monitoring.kinds_builtin import EXCHANGES, INCIDENTS
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.negotiate import Upload

DATA = Path(__file__).parents[1] / "data"
EXAMPLES = int(os.environ.get("GOBETWEEN_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: Pieces that have broken parsers before: encodings, surrogates, huge numbers, entity bombs,
#: YAML tags and aliases, formula injection, bidi overrides, NUL, structure characters.
TOKENS = (
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # a lone surrogate encoded as UTF-8 (invalid)
    b"\\ud800",
    b"9" * 5001,
    b"-1e999",
    b"NaN",
    b"1e309",
    b'<!DOCTYPE a [<!ENTITY e "xxxxxxxx">]>',
    b"&e;",
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"!!python/object/apply:os.system ['true']",
    b"&a [1]",
    b"*a",
    b"<<: *a",
    b'=HYPERLINK("x")',
    "\u202e".encode(),
    b'"',
    b"'",
    b"\n",
    b"\r",
    b",",
    b"{",
    b"}",
    b"[",
    b"]",
    b"<",
    b">",
    b":",
    b"-",
    b"PK\x03\x04",
)


def _mutate(seed: bytes, edits: list[tuple[int, int, int, int]]) -> bytes:
    data = bytearray(seed)
    for kind, position, value, token in edits:
        at = position % (len(data) + 1)
        if kind == 0 and data:  # flip a byte
            data[at % len(data)] = value
        elif kind == 1:  # insert a troublesome token
            data[at:at] = TOKENS[token % len(TOKENS)]
        elif kind == 2:  # delete a run
            del data[at : at + value]
        elif kind == 3:  # repeat a run
            data[at:at] = data[at : at + value] * 3
        else:  # truncate
            del data[at:]
    return bytes(data)


class Mutated(bytes):
    """Bytes that print as the edits that made them (a failing example stays readable)."""

    edits: list[tuple[int, int, int, int]]

    def __repr__(self) -> str:
        return f"Mutated(edits={self.edits!r}, size={len(self)})"


def _mutated(seed: bytes, edits: list[tuple[int, int, int, int]]) -> bytes:
    out = Mutated(_mutate(seed, edits))
    out.edits = edits
    return out


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, and the seed file with a few structure-aware mutations."""
    edit = st.tuples(
        st.integers(0, 4), st.integers(0, 2**31), st.integers(0, 255), st.integers(0, 1000)
    )
    return st.one_of(
        st.binary(max_size=3000),
        st.lists(edit, min_size=1, max_size=6).map(lambda edits: _mutated(seed, edits)),
        st.just(_mutated(seed, [])),
    )


def _survives(parse: Callable[[bytes], Any], data: bytes) -> None:
    try:
        result = parse(data)
        if hasattr(result, "__next__"):
            list(result)
    except GobetweenError:
        pass


def _text(data: bytes, source: str) -> str:
    return decode_utf8(data, source=source)


SCENARIO = (examples.path("classroom")).read_bytes()
SCENARIO_JSON = dump_scenario(loads_scenario_file(SCENARIO.decode(), fmt="yaml"), "json").encode()


@FUZZ
@given(inputs(SCENARIO))
def test_scenario_yaml(data: bytes) -> None:
    _survives(lambda d: loads_scenario_file(_text(d, "s.yaml"), fmt="yaml", source="s.yaml"), data)


@FUZZ
@given(inputs(SCENARIO_JSON))
def test_scenario_json(data: bytes) -> None:
    _survives(lambda d: loads_scenario_file(_text(d, "s.json"), fmt="json", source="s.json"), data)


GENIUS = DATA / "genius" / "fitness"
DOMAIN = (GENIUS / "Fitness-A-domain.xml").read_bytes()
PROFILE = (GENIUS / "Fitness-A-prof1.xml").read_bytes()


def _genius(domain: bytes, profile: bytes) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "domain.xml").write_bytes(domain)
        (Path(folder) / "profile.xml").write_bytes(profile)
        return load_genius(folder)


@FUZZ
@given(inputs(DOMAIN))
def test_genius_domain(data: bytes) -> None:
    _survives(lambda d: _genius(d, PROFILE), data)


@FUZZ
@given(inputs(PROFILE))
def test_genius_profile(data: bytes) -> None:
    _survives(lambda d: _genius(DOMAIN, d), data)


CSV = (DATA / "bsgi" / "outbound_shipments_slice.csv").read_bytes()[:6000]
XLSX = (DATA / "bsgi" / "vessel_movements_slice.xlsx").read_bytes()


@FUZZ
@given(inputs(CSV))
def test_jcc_csv_text(data: bytes) -> None:
    _survives(lambda d: read_csv_text(_text(d, "v.csv"), "v.csv"), data)


@FUZZ
@given(inputs(CSV))
def test_jcc_csv_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v.csv"
        path.write_bytes(data)
        _survives(lambda _d: read_csv(path), data)


@FUZZ
@given(inputs(XLSX))
def test_jcc_xlsx(data: bytes) -> None:
    _survives(lambda d: read_xlsx(io.BytesIO(d)), data)


BUNDLE = (DATA / "agreements" / "bsgi-signed.bundle.json").read_bytes()
SPEC = (DATA / "agreements" / "bsgi-spec.yaml").read_bytes()


@FUZZ
@given(inputs(BUNDLE))
def test_agreement_bundle(data: bytes) -> None:
    _survives(Bundle.from_bytes, data)
    _survives(Bundle.verify, data)


@FUZZ
@given(inputs(SPEC))
def test_agreement_spec(data: bytes) -> None:
    _survives(
        lambda d: instruments_from_spec(parse_yaml(_text(d, "spec.yaml")).data, source="spec"),
        data,
    )


EXCHANGE_ROWS = (
    b"Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list\n"
    b"EX-1,21-Sep-2022,Chernihiv region,Russian Federation,Ukraine,prisoners of war,215,ICRC,"
    b"list UA-17\n"
    b"EX-2,2022-10-29,Zaporizhzhia,Ukraine,Russian Federation,civilians,3,ICRC,list RU-4\n"
)


@FUZZ
@given(inputs(EXCHANGE_ROWS), st.sampled_from([EXCHANGES, INCIDENTS]))
def test_record_files_csv(data: bytes, kind: Any) -> None:
    _survives(lambda d: read_entry_file(kind, "records.csv", d), data)


@FUZZ
@given(inputs(XLSX), st.sampled_from([EXCHANGES, INCIDENTS]))
def test_record_files_xlsx(data: bytes, kind: Any) -> None:
    _survives(lambda d: read_entry_file(kind, "records.xlsx", d), data)


CASINO = (DATA / "casino" / "sample.json").read_bytes()[:8000]
DEALORNODEAL = (
    b"1 0 4 2 1 2 YOU: i would like 4 hats . <eos> THEM: deal <eos> YOU: <selection> "
    b"item0=0 item1=4 item2=0 <eos> reward=8 agree 1 4 4 1 1 2\n"
    b"<input> 2 2 3 2 1 0 </input> <dialogue> YOU: take the book <eos> THEM: <selection> "
    b"</dialogue> <output> item0=2 item1=3 item2=0 item0=0 item1=0 item2=1 </output> "
    b"<partner_input> 2 0 3 1 1 7 </partner_input>\n"
)


def _from_file(reader: Callable[[Path], Any], name: str) -> Callable[[bytes], Any]:
    def parse(data: bytes) -> Any:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            return list(reader(path))

    return parse


@FUZZ
@given(inputs(CASINO))
def test_casino_corpus(data: bytes) -> None:
    _survives(_from_file(read_casino, "casino_test.json"), data)


@FUZZ
@given(inputs(DEALORNODEAL))
def test_dealornodeal_corpus(data: bytes) -> None:
    _survives(_from_file(read_dealornodeal, "test.txt"), data)


@FUZZ
@given(inputs(SCENARIO), st.sampled_from(["talks.yaml", "talks.json", "domain.xml", "x.txt"]))
def test_uploaded_agenda(data: bytes, name: str) -> None:
    _survives(lambda d: agenda_from_uploads([Upload(name, "", d)]), data)


@pytest.mark.parametrize(
    ("text", "fmt", "where"),
    [
        ('{"gobetween": 1, "name": ' + "9" * 5001 + "}", "json", "line 1"),
        ("gobetween: 1\nname: x\nissues:\n  - name: " + "9" * 5001 + "\n", "yaml", "line 4"),
    ],
)
def test_a_5001_digit_number_names_the_file_and_line(text: str, fmt: str, where: str) -> None:
    with pytest.raises(GobetweenError) as caught:
        loads_scenario_file(text, fmt=fmt, source=f"talks.{fmt}")
    message = str(caught.value)
    assert message.startswith(f"talks.{fmt}, {where}")
    assert "5,001" in message
    assert len(message) < 300


def test_the_examples_the_long_fuzz_run_found(tmp_path: Path) -> None:
    """Found with GOBETWEEN_FUZZ_EXAMPLES=3000: a zip whose central directory asks for version
    6.4 (zipfile raises NotImplementedError) and a CaSiNo file with a 5,001-digit number."""
    entry = XLSX.rfind(b"PK\x01\x02")
    assert entry > 0
    newer = bytearray(XLSX)
    newer[entry + 6] = 64  # "version needed to extract": 6.4
    with pytest.raises(GobetweenError):
        read_xlsx(io.BytesIO(bytes(newer)))
    casino = tmp_path / "casino_test.json"
    casino.write_text('[{"dialogue_id": ' + "9" * 5001 + "}]", encoding="utf-8")
    with pytest.raises(GobetweenError):
        list(read_casino(casino))
