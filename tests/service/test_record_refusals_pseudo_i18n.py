"""The joint record's refusals reach a reader in their language whole, not with English pieces
(tests/pseudo_locale.py: what a catalog would translate comes out in CAPITALS, English words
left in lower case).

Found by a tester reading a voyage import in Ukrainian: "voyage #1 не має ні дати відправлення,
ні дати інспекції" (the voyage named by an English string filled into a translated sentence,
and as the place of a refused cargo row: "voyage #3: номер IMO 0 не є додатним"); an event
whose type is unknown expected "one of ..." and a verdict "approve or block", both unmarked;
"registration: item must be non-empty text" named the event type in English; a date quoted in a
sentence came out with Python's escapes ("'2 серп. 2022\\u202fр.'").
"""

from __future__ import annotations

import pytest
from tests.pseudo_locale import LOWER_WORDS, speak_pseudo

from gobetween import errors as e
from gobetween import i18n
from gobetween.formats.jcc import read_csv_text
from gobetween.monitoring.events import event_from_dict
from gobetween.monitoring.voyages import Shipment
from gobetween.service.errors import describe, place_said
from gobetween.service.records import problem_words

HEADER = "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,"
AT = "2022-08-01T09:00:00+00:00"


@pytest.fixture(autouse=True)
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    speak_pseudo(monkeypatch)


def test_a_voyage_is_named_in_the_readers_words() -> None:
    undated = read_csv_text(
        HEADER + "Inspection cleared\nOutbound,1,RAZONI,9086526,Odesa,Lebanon,Corn,26527,\n"
    )
    (problem,) = undated.problems
    assert problem.message.startswith("voyage #1 has neither")  # English: as it was
    with i18n.use_locale("uk"):
        said = problem_words(problem)["message"] or ""
        place = place_said("voyage #3, row 4")
    assert said.startswith("VOYAGE #1 HAS NEITHER"), said
    assert LOWER_WORDS.findall(said) == [], said
    assert place == "VOYAGE #3, ROW 4", place
    with pytest.raises(e.InvalidModel) as refused:
        Shipment(3, 0, 0, "A", "Odesa", "Egypt", "Wheat", 1.0, None)
    with i18n.use_locale("uk"):
        assert describe(refused.value).startswith("VOYAGE #3: IMO NUMBER 0"), describe(
            refused.value
        )


def test_the_event_readers_expected_values_are_marked() -> None:
    cases = [
        ({"type": "teleport", "at": AT}, "ONE OF registration, decision"),  # the wire words
        (
            {
                "type": "decision",
                "at": AT,
                "item": "v",
                "step": "s",
                "delegation": "U",
                "verdict": "abstain",
            },
            "ONE OF approve, block",
        ),
        ({"type": "arrival", "at": AT, "item": "v", "port": "p", "ship": "x"}, "ONE OF at,"),
    ]
    for body, expected in cases:
        with pytest.raises(e.ValidationFailed) as refused:
            event_from_dict(body)
        with i18n.use_locale("uk"):
            said = describe(refused.value)
        assert f"(EXPECTED: {expected}" in said, said
    with pytest.raises(e.ValidationFailed) as refused:
        event_from_dict({"type": "arrival", "at": AT, "item": "v", "port": "p", "ship": "x"})
    with i18n.use_locale("uk"):
        assert "ARRIVAL: UNKNOWN FIELD 'ship'" in describe(refused.value)
    with pytest.raises(e.ValidationFailed) as refused:
        event_from_dict({"type": "teleport", "at": AT})
    with i18n.use_locale("uk"):
        assert "UNKNOWN RECORD EVENT TYPE 'teleport'" in describe(refused.value)


def test_an_empty_field_names_its_event_in_the_readers_words() -> None:
    with pytest.raises(e.InputError) as refused:
        event_from_dict({"type": "departure", "at": AT, "item": " ", "port": "Odesa"})
    with i18n.use_locale("uk"):
        said = describe(refused.value)
    assert "DEPARTURE: item MUST BE NON-EMPTY TEXT" in said, said  # "item": the API's name


def test_a_quoted_date_reads_as_the_reader_writes_it() -> None:
    rows = (
        "Departure date\n"
        "Outbound,10,X,1234567,Odesa,Lebanon,Corn,4,1-Aug-2022\n"
        "Outbound +,10,X,1234567,Odesa,Lebanon,Corn,4,2-Aug-2022\n"
    )
    (problem,) = read_csv_text(HEADER + rows).problems
    with i18n.use_locale("uk"):
        said = problem_words(problem)["message"] or ""
        first, second = (i18n.format_date(f"2022-08-0{d}") for d in (1, 2))
    assert "\\u" not in said, said
    assert f"'{second}' DIFFERS FROM ROW 2'S '{first}'" in said, said
