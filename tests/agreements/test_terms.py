"""Canonical operative terms: RFC 8785 bytes, NFC normalisation, hashing, round trips."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata

import pytest

from gobetween.agreements import (
    Link,
    OperativeTerms,
    Renewal,
    RenewalRule,
    canonical_bytes,
    sha256_hex,
)
from gobetween.errors import AgreementError
from gobetween.model import Agenda


def simple_terms(**changes: object) -> OperativeTerms:
    fields: dict[str, object] = {
        "agenda": "g",
        "options": {"x": "1"},
        "clauses": {"x": "One."},
        "term_days": 120,
        "renewal": Renewal(RenewalRule.NONE),
        "effective_date": dt.date(2022, 7, 22),
    }
    fields.update(changes)
    return OperativeTerms(**fields)  # type: ignore[arg-type]


# -- canonical JSON ----------------------------------------------------------------------------


def test_keys_are_sorted_whatever_the_insertion_order() -> None:
    assert canonical_bytes({"b": 1, "a": {"d": 2, "c": 3}}) == b'{"a":{"c":3,"d":2},"b":1}'
    assert canonical_bytes({"a": {"c": 3, "d": 2}, "b": 1}) == canonical_bytes(
        {"b": 1, "a": {"d": 2, "c": 3}}
    )


def test_keys_sort_by_utf16_code_units_not_code_points() -> None:
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16, so it sorts before U+FF21,
    # although its code point is larger (RFC 8785, section 3.2.3).
    keys = ["\uff21", "\U0001f600", "\u00f6", "\u0080", "1", "\r"]
    order = list(json.loads(canonical_bytes(dict.fromkeys(keys, 0))))
    assert order == ["\r", "1", "\u0080", "\u00f6", "\U0001f600", "\uff21"]


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (333333333.33333329, b"333333333.3333333"),
        (1e30, b"1e+30"),
        (4.50, b"4.5"),
        (2e-3, b"0.002"),
        (0.000000000000000000000000001, b"1e-27"),
        (1e21, b"1e+21"),
        (1e20, b"100000000000000000000"),
        (-0.0, b"0"),
        (1.0, b"1"),
        (120, b"120"),
        (9007199254740991, b"9007199254740991"),
        (-1.5e-7, b"-1.5e-7"),
    ],
)
def test_numbers_take_the_shortest_ecmascript_form(number: float, text: bytes) -> None:
    assert canonical_bytes([number]) == b"[" + text + b"]"


@pytest.mark.parametrize("number", [float("nan"), float("inf"), 2**53, -(2**60)])
def test_numbers_json_cannot_carry_exactly_are_refused(number: float) -> None:
    with pytest.raises(AgreementError, match="cannot canonicalise"):
        canonical_bytes({"n": number})


def test_strings_are_utf8_with_minimal_escapes() -> None:
    assert canonical_bytes(['é"\\\n\u000f€']) == '["é\\"\\\\\\n\\u000f€"]'.encode()


def test_unicode_is_nfc_normalised_in_keys_and_values() -> None:
    composed, decomposed = "Türkiye", "Tu\u0308rkiye"
    assert composed != decomposed
    assert unicodedata.normalize("NFC", decomposed) == composed
    assert canonical_bytes({decomposed: decomposed}) == canonical_bytes({composed: composed})
    assert canonical_bytes([decomposed]) == '["Türkiye"]'.encode()


def test_keys_that_collide_under_nfc_are_refused() -> None:
    with pytest.raises(AgreementError, match="NFC"):
        canonical_bytes({"Türkiye": 1, "Tu\u0308rkiye": 2})


def test_non_json_values_are_refused() -> None:
    with pytest.raises(AgreementError, match="date"):
        canonical_bytes({"d": dt.date(2022, 1, 1)})
    with pytest.raises(AgreementError, match="string keys"):
        canonical_bytes({1: "x"})


# -- operative terms ---------------------------------------------------------------------------


def test_golden_canonical_form_and_hash() -> None:
    terms = simple_terms(links=(Link("Memorandum", "ab" * 32),))
    expected = (
        b'{"agenda":"g","clauses":{"x":"One."},"effective_date":"2022-07-22",'
        b'"format":"gobetween-terms-v1","issues":["x"],"links":[{"relation":"side-instrument",'
        b'"terms_hash":"' + b"ab" * 32 + b'","title":"Memorandum"}],"options":{"x":"1"},'
        b'"renewal":{"notice_days":0,"rule":"none"},"term_days":120}'
    )
    assert terms.canonical_bytes() == expected
    assert terms.terms_hash() == hashlib.sha256(expected).hexdigest() == sha256_hex(expected)


def test_from_package_takes_the_chosen_options_in_agenda_order(
    terms: OperativeTerms, agenda: Agenda
) -> None:
    assert terms.issues == agenda.issue_names
    assert terms.options["ports"] == "three ports"
    assert terms.agenda == agenda.name


def test_from_package_needs_a_clause_for_every_issue(agenda: Agenda) -> None:
    package = agenda.package({i.name: i.option_names[0] for i in agenda})
    with pytest.raises(AgreementError, match="clause must be non-empty"):
        OperativeTerms.from_package(
            package,
            {"scope": "Grain."},
            term_days=120,
            renewal=Renewal(RenewalRule.NONE),
            effective_date=dt.date(2022, 7, 22),
        )
    with pytest.raises(AgreementError, match="not on the agenda"):
        OperativeTerms.from_package(
            package,
            {"tariffs": "None."},
            term_days=120,
            renewal=Renewal(RenewalRule.NONE),
            effective_date=dt.date(2022, 7, 22),
        )


def test_terms_round_trip_through_their_dict(terms: OperativeTerms) -> None:
    again = OperativeTerms.from_dict(json.loads(terms.canonical_bytes()))
    assert again == terms
    assert again.issues == terms.issues
    assert again.canonical_bytes() == terms.canonical_bytes()


def test_terms_built_from_decomposed_text_equal_composed_ones() -> None:
    a = simple_terms(clauses={"x": "Türkiye hosts the centre."})
    b = simple_terms(clauses={"x": "Tu\u0308rkiye hosts the centre."})
    assert a == b
    assert a.terms_hash() == b.terms_hash()
    assert a.differences(b) == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"term_days": 0}, "positive"),
        ({"term_days": 1.5}, "whole number"),
        ({"term_days": True}, "whole number"),
        ({"options": {}, "clauses": {}}, "at least one issue"),
        ({"clauses": {"y": "Why."}}, "mismatched"),
        ({"options": {"x": " "}}, "option must be non-empty"),
        ({"effective_date": dt.datetime(2022, 7, 22)}, "must be a date"),
        ({"agenda": ""}, "agenda"),
    ],
)
def test_bad_terms_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        simple_terms(**changes)


def test_renewal_and_link_are_validated() -> None:
    with pytest.raises(AgreementError, match="notice period"):
        Renewal(RenewalRule.BY_CONSENT, notice_days=7)
    with pytest.raises(AgreementError, match=">= 0"):
        Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE, notice_days=-1)
    with pytest.raises(AgreementError, match="64 lower-case hex"):
        Link("Memorandum", "AB" * 32)


def test_malformed_terms_data_is_refused(terms: OperativeTerms) -> None:
    data = terms.to_dict()
    for key in ("format", "issues", "renewal"):
        broken = dict(data)
        broken[key] = "nonsense" if key != "issues" else ["other"]
        with pytest.raises(AgreementError):
            OperativeTerms.from_dict(broken)


def test_differences_name_what_differs(terms: OperativeTerms) -> None:
    other = OperativeTerms(
        terms.agenda,
        {**terms.options, "ports": "four ports"},
        {**terms.clauses, "buffer": "A 5 nm buffer."},
        60,
        Renewal(RenewalRule.BY_CONSENT),
        dt.date(2022, 7, 23),
        (Link("Memorandum", "cd" * 32),),
    )
    found = terms.differences(other)
    assert "option of issue 'ports' ('three ports' vs 'four ports')" in found
    assert "clause of issue 'buffer'" in found
    assert "term_days (120 vs 60)" in found
    assert any(d.startswith("renewal") for d in found)
    assert any(d.startswith("effective_date") for d in found)
    assert "linked instruments" in found
    assert "clause of issue 'ports'" not in found


def test_issue_order_is_part_of_the_terms() -> None:
    a = simple_terms(options={"x": "1", "y": "2"}, clauses={"x": "One.", "y": "Two."})
    b = simple_terms(options={"y": "2", "x": "1"}, clauses={"y": "Two.", "x": "One."})
    assert a != b
    assert a.terms_hash() != b.terms_hash()
    assert a.differences(b) == ("order of issues",)
