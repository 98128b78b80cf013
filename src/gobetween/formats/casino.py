"""Reader for the CaSiNo corpus (Chawla et al., NAACL 2021): campsite negotiations.

Each dialogue splits 3 packages each of food, water and firewood between two participants. Each
participant privately ranks the items High / Medium / Low, worth 5 / 4 / 3 points per package;
walking away gives each side 5 points. A dialogue ends in a deal when it has an ``Accept-Deal``;
the terms are the last ``Submit-Deal`` before it, read from the submitter's side.

Licence of the data: CC BY 4.0 (Chawla et al. 2021).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gobetween.errors import N_, DataImportError, FileFormatError
from gobetween.formats.corpora import RecordedNegotiation, division_scenario

__all__ = ["CASINO_FILES", "POINTS", "WALK_AWAY_POINTS", "read_casino"]

#: Points per package by the participant's priority.
POINTS = {"High": 5, "Medium": 4, "Low": 3}
#: Points each side scores when someone walks away.
WALK_AWAY_POINTS = 5
#: The three published splits; together all 1,030 dialogues.
CASINO_FILES = ("casino_train.json", "casino_valid.json", "casino_test.json")
ITEMS = ("Food", "Water", "Firewood")
SIDES = ("mturk_agent_1", "mturk_agent_2")


def read_casino(path: Path | str) -> Iterator[RecordedNegotiation]:
    """Yield every dialogue of a CaSiNo JSON file, or of all three splits in a folder.

    The scenario's first side is ``mturk_agent_1``; issue ``Food`` option ``"2"`` means agent 1
    gets two packages of food.

    Raises
    ------
    FileFormatError
        When the file is not a JSON array of dialogues.
    DataImportError
        When a dialogue lacks the fields a deal needs; the message names the dialogue.
    """
    path = Path(path)
    files = [path / name for name in CASINO_FILES] if path.is_dir() else [path]
    for file in files:
        try:
            dialogues = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, huge integers
            raise FileFormatError(
                N_("cannot read CaSiNo data: %(reason)s"),
                source=str(file),
                expected=N_("a JSON array"),
                params={"reason": str(exc)},
            ) from None
        if not isinstance(dialogues, list):
            raise FileFormatError(
                N_("not a CaSiNo file"),
                source=str(file),
                expected=N_("a JSON array of dialogues"),
            )
        for index, dialogue in enumerate(dialogues):
            yield _negotiation(dialogue, source=str(file), index=index)


def _negotiation(dialogue: Any, *, source: str, index: int) -> RecordedNegotiation:
    where = f"dialogue {index}"
    try:
        dialogue_id = str(dialogue["dialogue_id"])
        info = dialogue["participant_info"]
        values = tuple(
            {item: POINTS[rank] for rank, item in info[side]["value2issue"].items()}
            for side in SIDES
        )
        logs = dialogue["chat_logs"]
    except (KeyError, TypeError) as exc:
        raise DataImportError(
            N_("dialogue lacks field %(field)s"),
            source=source,
            location=where,
            params={"field": str(exc)},
        ) from None
    scenario, scale = division_scenario(
        dict.fromkeys(ITEMS, 3),
        (values[0], values[1]),
        sides=SIDES,
        reservations=(WALK_AWAY_POINTS, WALK_AWAY_POINTS),
        name=f"casino-{dialogue_id}",
    )
    deal = None
    terms: dict[str, str] | None = None
    for number, turn in enumerate(logs):
        text = turn.get("text") if isinstance(turn, dict) else None
        if text == "Submit-Deal":
            terms = _submitted(turn, source=source, where=f"{where}, turn {number}")
        elif text == "Accept-Deal":
            if terms is None:
                raise DataImportError(
                    N_("Accept-Deal without a Submit-Deal before it"),
                    source=source,
                    location=where,
                )
            deal = scenario.agenda.package(terms)
            break
        elif text in ("Walk-Away",):
            break
    return RecordedNegotiation("casino", dialogue_id, scenario, deal, scale)


def _submitted(turn: dict[str, Any], *, source: str, where: str) -> dict[str, str]:
    """The terms of a ``Submit-Deal`` turn, as packages of each item the first side gets."""
    try:
        you_get = turn["task_data"]["issue2youget"]
        first_gets = (
            you_get
            if turn["id"] == SIDES[0]
            else {item: str(3 - int(you_get[item])) for item in ITEMS}
        )
        return {item: str(int(first_gets[item])) for item in ITEMS}
    except (KeyError, TypeError, ValueError) as exc:
        raise DataImportError(
            N_("a Submit-Deal turn that cannot be read (%(reason)s)"),
            source=source,
            location=where,
            expected=N_("three item counts from 0 to 3"),
            params={"reason": str(exc)},
        ) from None
