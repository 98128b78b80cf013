"""Agendas, preferences and packages as plain JSON values (how the store keeps them).

The model objects validate themselves when rebuilt, so whatever is read back is checked again.

>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("ports", ["Odesa", "three ports"]),))
>>> agenda_from_json(agenda_to_json(agenda)) == agenda
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gobetween.errors import N_, InvalidAgenda, InvalidModel, InvalidPreferences
from gobetween.model import (
    Agenda,
    Bonus,
    Interaction,
    Issue,
    IssueKind,
    Option,
    Preferences,
    RatingScale,
    RedLine,
    in_languages,
)

__all__ = [
    "agenda_from_json",
    "agenda_to_json",
    "preferences_from_json",
    "preferences_to_json",
]


@contextmanager
def _rebuilding(error: type[InvalidModel], template: str, location: str) -> Iterator[None]:
    """Rebuild a stored value: the model's own refusals pass as they are; a value of the wrong
    shape (a key missing, a list where a mapping belongs) becomes ``error`` at ``location``,
    said with ``template`` (its ``%(error)s`` is the Python error)."""
    try:
        yield
    except InvalidModel:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise error(template, location=location, params={"error": exc}) from None


def _option_to_json(option: Option) -> dict[str, Any]:
    """An option's stored form; ``wording`` and ``names`` only when there are some (older rows
    have none, and the stored form of an agenda without them stays byte for byte the same)."""
    result: dict[str, Any] = {"name": option.name, "value": option.value, "label": option.label}
    if option.wording:
        result["wording"] = dict(option.wording)
    if option.names:
        result["names"] = dict(option.names)
    return result


def _issue_to_json(issue: Issue) -> dict[str, Any]:
    """An issue's stored form; ``names``, ``descriptions`` and ``units`` only when there are
    some (as :func:`_option_to_json`), ``settles`` only when the issue settles a rule of the
    agreement (agendas stored before, and those that settle none, stay byte for byte the same)."""
    result: dict[str, Any] = {
        "name": issue.name,
        "kind": issue.kind.value,
        "unit": issue.unit,
        "description": issue.description,
        "options": [_option_to_json(o) for o in issue.options],
    }
    result.update(issue.languages_given())
    if issue.settles is not None:
        result["settles"] = issue.settles.value
    return result


def agenda_to_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda as a JSON-compatible dict."""
    return {"name": agenda.name, "issues": [_issue_to_json(issue) for issue in agenda.issues]}


def agenda_from_json(data: Mapping[str, Any]) -> Agenda:
    """Rebuild (and so validate) an agenda from :func:`agenda_to_json`'s shape."""
    with _rebuilding(InvalidAgenda, N_("malformed agenda: %(error)s"), location="agenda"):
        issues = tuple(
            Issue(
                name=issue["name"],
                options=tuple(
                    Option(
                        o["name"],
                        value=o.get("value"),
                        label=o.get("label"),
                        wording=o.get("wording", {}),
                        names=o.get("names", {}),
                    )
                    for o in issue["options"]
                ),
                kind=IssueKind(issue.get("kind", "discrete")),
                unit=issue.get("unit"),
                description=issue.get("description", ""),
                **in_languages(issue),
                settles=issue.get("settles"),
            )
            for issue in data["issues"]
        )
        return Agenda(issues, name=data.get("name", "agenda"))


def preferences_to_json(preferences: Preferences) -> dict[str, Any]:
    """Preferences as a JSON-compatible dict; ``bonuses`` only when there are some (so stored
    preferences without bonuses keep the shape they had before bonuses existed).

    >>> from gobetween.model import Bonus
    >>> prefs = Preferences({"a": 1}, {"a": {"x": 1, "y": 0}},
    ...                     bonuses=(Bonus(0.2, {"a": ("y",)}),))
    >>> preferences_to_json(prefs)["bonuses"]
    [{'when': {'a': ['y']}, 'bonus': 0.2}]
    >>> preferences_from_json(preferences_to_json(prefs)) == prefs
    True
    """
    result = {
        "weights": dict(preferences.weights),
        "ratings": {issue: dict(row) for issue, row in preferences.ratings.items()},
        "scale": {"low": preferences.scale.low, "high": preferences.scale.high},
        "reservation": preferences.reservation,
        "red_lines": [
            [{"issue": i, "option": o} for i, o in sorted(r.pairs)] for r in preferences.red_lines
        ],
        "interactions": [
            {"pairs": [{"issue": i, "option": o} for i, o in sorted(x.pairs)], "bonus": x.bonus}
            for x in preferences.interactions
        ],
    }
    if preferences.bonuses:
        result["bonuses"] = [
            {"when": {i: list(o) for i, o in b.within.items()}, "bonus": b.value}
            for b in preferences.bonuses
        ]
    return result


def _pairs(items: Any) -> frozenset[tuple[str, str]]:
    return frozenset((str(p["issue"]), str(p["option"])) for p in items)


def preferences_from_json(data: Mapping[str, Any]) -> Preferences:
    """Rebuild (and so validate) preferences from :func:`preferences_to_json`'s shape."""
    with _rebuilding(
        InvalidPreferences, N_("malformed preferences: %(error)s"), location="preferences"
    ):
        scale = data.get("scale") or {"low": 0.0, "high": 1.0}
        return Preferences(
            weights=data["weights"],
            ratings=data["ratings"],
            scale=RatingScale(scale["low"], scale["high"]),
            reservation=data.get("reservation", 0.0),
            red_lines=tuple(RedLine(_pairs(r)) for r in data.get("red_lines", ())),
            interactions=tuple(
                Interaction(_pairs(x["pairs"]), x["bonus"]) for x in data.get("interactions", ())
            ),
            bonuses=tuple(Bonus(b["bonus"], b["when"]) for b in data.get("bonuses", ())),
        )
