"""The agreement spec reader (gobetween agreement create): fields, types, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gobetween.errors import InvalidModel
from gobetween.formats.agreement_spec import instruments_from_spec
from gobetween.formats.documents import parse_yaml

SPEC = Path(__file__).parent.parent / "data" / "agreements" / "bsgi-spec.yaml"
NUMBERS = {("term_days",), ("renewal", "notice_days")}


def spec() -> dict[str, Any]:
    document = parse_yaml(SPEC.read_text(encoding="utf-8"), typed=lambda p: p in NUMBERS)
    data: dict[str, Any] = document.data
    return data


def test_the_bsgi_spec_gives_two_mirror_instruments() -> None:
    ua, ru = instruments_from_spec(spec(), source="bsgi-spec.yaml")
    assert ua.terms == ru.terms
    assert ua.terms.term_days == 120
    assert ua.terms.effective_date.isoformat() == "2022-07-22"
    assert ua.title.startswith("Initiative on the safe transportation")
    assert ru.signatory("Russian Federation").signs_as == "Minister of Defence"
    assert ru.mediators == ("Türkiye", "United Nations")


def test_yaml_option_names_that_look_like_numbers_stay_text() -> None:
    text = SPEC.read_text(encoding="utf-8").replace("ports: three ports", "ports: 3")
    data = parse_yaml(text, typed=lambda p: p in NUMBERS).data
    (ua, _) = instruments_from_spec(data)
    assert ua.terms.options["ports"] == "3"


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (lambda d: d.pop("term_days"), "term_days", "missing field"),
        (lambda d: d.update(term_days="120"), "term_days", "is a str"),
        (lambda d: d.update(effective_date="22/07/2022"), "effective_date", "not a date"),
        (lambda d: d["parties"][1].pop("organisation"), "parties[1].organisation", "missing"),
        (lambda d: d["parties"].append(d["parties"][0]), "parties", "distinct parties"),
        (lambda d: d["parties"][0].update(key_fingerprint="xyz"), "parties[0]", "64 lower-case"),
        (lambda d: d["clauses"].pop("buffer"), None, "mismatched: 'buffer'"),
        (lambda d: d["renewal"].update(rule="sometimes"), None, "sometimes"),
    ],
)
def test_errors_name_the_field(change: Any, location: str | None, message: str) -> None:
    data = spec()
    change(data)
    with pytest.raises(InvalidModel, match=message) as caught:
        instruments_from_spec(data, source="bsgi-spec.yaml")
    assert caught.value.location == location
    assert caught.value.source == "bsgi-spec.yaml"


def test_a_spec_must_be_an_object() -> None:
    with pytest.raises(InvalidModel, match="an object"):
        instruments_from_spec([1, 2])
