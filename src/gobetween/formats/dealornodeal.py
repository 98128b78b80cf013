"""Reader for the Deal or No Deal corpus (Lewis et al., EMNLP 2017).

Two people split a pool of books, hats and balls (5 to 7 items); each has private values per item
that total exactly 10 over the pool; no agreement scores 0. The corpus is licensed CC BY-NC 4.0
(non-commercial): gobetween reads it for evaluation only and never ships it.

Two layouts are read:

- ``data.txt`` (the raw collection): one line per dialogue per perspective,
  ``c0 v0 c1 v1 c2 v2 <utterances> <selection> item0=a item1=b item2=c <eos> reward=R agree|disagree
  c0 v0 c1 v1 c2 v2`` (own counts and values first, the partner's last). Each dialogue appears
  twice; the line whose first utterance is ``YOU:`` is kept. A deal is a selection that lists items
  and ends in ``agree`` (``disagree`` means the two sides' selections did not match).
- the split files (``val.txt``, ``test.txt``): ``<input> .. </input> <dialogue> .. </dialogue>
  <output> six counts </output> <partner_input> .. </partner_input>``; the dialogue whose
  ``<dialogue>`` starts with ``YOU:`` is kept, and it is a deal when the six output counts are
  item counts that add up to the pool.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from gobetween.errors import N_, DataImportError, FileFormatError
from gobetween.formats.corpora import RecordedNegotiation, division_scenario
from gobetween.model import Scenario

__all__ = ["ITEMS", "read_dealornodeal"]

ITEMS = ("book", "hat", "ball")
SIDES = ("you", "them")
_ITEM = re.compile(r"item(\d)=(\d+)")
_TAG = re.compile(r"<(input|dialogue|output|partner_input)>(.*?)</\1>")


def read_dealornodeal(path: Path | str) -> Iterator[RecordedNegotiation]:
    """Yield one negotiation per dialogue of a Deal or No Deal file (either layout).

    The scenario's first side is ``you`` (the perspective kept); issue ``hat`` option ``"2"``
    means ``you`` get two hats.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(
            N_("cannot read Deal or No Deal data: %(reason)s"),
            source=str(path),
            params={"reason": str(exc)},
        ) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        record = (
            _split_line(line, str(path), where)
            if line.startswith("<input>")
            else _raw_line(line, str(path), where)
        )
        if record is not None:
            yield record


def _numbers(text: str, source: str, where: str) -> list[int]:
    try:
        numbers = [int(t) for t in text.split()]
    except ValueError:
        numbers = []
    if len(numbers) != 6:
        raise DataImportError(
            N_("bad counts/values %(text)r"),
            source=source,
            location=where,
            expected=N_("six integers"),
            params={"text": text},
        )
    return numbers


@functools.lru_cache(maxsize=4096)
def _context(
    own: tuple[int, ...], partner: tuple[int, ...]
) -> tuple[Scenario, tuple[float, float]]:
    """The scenario of one game context; the corpus reuses a few thousand contexts."""
    counts = dict(zip(ITEMS, own[0::2], strict=True))
    values = (
        dict(zip(ITEMS, own[1::2], strict=True)),
        dict(zip(ITEMS, partner[1::2], strict=True)),
    )
    return division_scenario(counts, values, sides=SIDES, name="dealornodeal")


def _make(
    own: list[int], partner: list[int], selection: list[int] | None, did: str
) -> RecordedNegotiation:
    scenario, scale = _context(tuple(own), tuple(partner))
    deal = None
    if selection is not None:
        deal = scenario.agenda.package(dict(zip(ITEMS, (str(k) for k in selection), strict=True)))
    return RecordedNegotiation("dealornodeal", did, scenario, deal, scale)


def _raw_line(line: str, source: str, where: str) -> RecordedNegotiation | None:
    tokens = line.split()
    if len(tokens) < 14 or tokens[6] not in ("YOU:", "THEM:"):
        raise DataImportError(
            N_("line does not start with six counts/values and an utterance"),
            source=source,
            location=where,
            expected="c0 v0 c1 v1 c2 v2 YOU:|THEM: ...",
        )
    if tokens[6] != "YOU:":
        return None
    own = _numbers(" ".join(tokens[:6]), source, where)
    partner = _numbers(" ".join(tokens[-6:]), source, where)
    outcome = tokens[-7]
    selection_text = line.split("<selection>", 1)[-1]
    items = {int(i): int(n) for i, n in _ITEM.findall(selection_text.split("<eos>", 1)[0])}
    selection = None
    if outcome == "agree" and sorted(items) == [0, 1, 2]:
        selection = [items[k] for k in range(3)]
        if any(selection[k] > own[2 * k] for k in range(3)):
            raise DataImportError(
                N_("selection %(selection)s exceeds the pool"),
                source=source,
                location=where,
                params={"selection": str(selection)},
            )
    return _make(own, partner, selection, where)


def _split_line(line: str, source: str, where: str) -> RecordedNegotiation | None:
    parts = dict(_TAG.findall(line))
    if set(parts) != {"input", "dialogue", "output", "partner_input"}:
        raise DataImportError(
            N_("missing tags"),
            source=source,
            location=where,
            expected=N_("<input>, <dialogue>, <output> and <partner_input>"),
        )
    if not parts["dialogue"].strip().startswith("YOU:"):
        return None
    own = _numbers(parts["input"], source, where)
    partner = _numbers(parts["partner_input"], source, where)
    found = _ITEM.findall(parts["output"])
    selection = None
    if len(found) == 6:
        counts = [int(n) for _, n in found]
        mine, theirs = counts[:3], counts[3:]
        if all(mine[k] + theirs[k] == own[2 * k] for k in range(3)):
            selection = mine
    return _make(own, partner, selection, where)
