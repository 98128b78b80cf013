"""Genius's utility, computed independently of gobetween's importer (ElementTree, no model).

It follows Genius's ``AdditiveUtilitySpace.getUtility``: ``min(1, sum_i w_i * e_i(v_i))`` with
``e_i`` the item evaluation divided by the issue's largest one (0 when that is below 1e-5) for a
discrete issue, and ``clip(offset + slope * (v - lowerbound), 0, 1)`` for an integer issue.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # trusted test data only
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path


def _issues(objective: ET.Element) -> Iterator[ET.Element]:
    for child in objective:
        if child.tag == "issue":
            yield child
        elif child.tag == "objective":
            yield from _issues(child)


def _weights(objective: ET.Element) -> dict[int, float]:
    found = {
        int(w.get("index", "0")): float(w.get("value", "nan")) for w in objective.findall("weight")
    }
    for child in objective.findall("objective"):
        found.update(_weights(child))
    return found


@dataclass
class GeniusProfile:
    weights: dict[str, float]
    discrete: dict[str, dict[str, float]]
    linear: dict[str, tuple[int, int, float, float]]  # lowerbound, upperbound, slope, offset
    reservation: float

    @classmethod
    def read(cls, path: Path) -> GeniusProfile:
        root = ET.parse(path).getroot()
        objective = root.find("objective")
        assert objective is not None
        by_index = _weights(objective)
        weights: dict[str, float] = {}
        discrete: dict[str, dict[str, float]] = {}
        linear: dict[str, tuple[int, int, float, float]] = {}
        for issue in _issues(objective):
            name = issue.get("name", "")
            weights[name] = by_index[int(issue.get("index", "0"))]
            kind = issue.get("type") or issue.get("etype") or "discrete"
            if kind == "integer":
                ev = issue.find("evaluator")
                slope = float(ev.get("slope", "0")) if ev is not None else 0.0
                offset = float(ev.get("offset", "0")) if ev is not None else 0.0
                low, high = int(issue.get("lowerbound", "0")), int(issue.get("upperbound", "0"))
                linear[name] = (low, high, slope, offset)
            else:
                raw = {
                    i.get("value", ""): float(i.get("evaluation", "nan"))
                    for i in issue.findall("item")
                }
                top = max(raw.values())
                discrete[name] = {k: (v / top if top >= 1e-5 else 0.0) for k, v in raw.items()}
        reservation = root.find("reservation")
        value = float(reservation.get("value", "0")) if reservation is not None else 0.0
        return cls(weights, discrete, linear, value)

    def evaluation(self, issue: str, option: str) -> float:
        if issue in self.discrete:
            return self.discrete[issue][option]
        low, _, slope, offset = self.linear[issue]
        return min(1.0, max(0.0, offset + slope * (int(option) - low)))

    def raw(self, bid: Mapping[str, str]) -> float:
        """``sum_i w_i e_i`` before Genius caps it at 1."""
        return sum(w * self.evaluation(issue, bid[issue]) for issue, w in self.weights.items())

    def utility(self, bid: Mapping[str, str]) -> float:
        """Genius's utility: the raw sum capped at 1."""
        return min(1.0, self.raw(bid))

    @property
    def weight_sum(self) -> float:
        return sum(self.weights.values())

    @property
    def reach(self) -> float:
        """The largest raw sum any bid can have."""
        best = 0.0
        for issue, w in self.weights.items():
            if issue in self.discrete:
                top = max(self.discrete[issue].values())
            else:
                low, high, _, _ = self.linear[issue]
                top = max(self.evaluation(issue, str(v)) for v in range(low, high + 1))
            best += w * top
        return best

    def expected_gobetween(self, bid: Mapping[str, str]) -> float:
        """gobetween's documented value: Genius's when no bid is capped, else raw / weight sum."""
        return self.raw(bid) if self.reach <= 1 else self.raw(bid) / self.weight_sum
