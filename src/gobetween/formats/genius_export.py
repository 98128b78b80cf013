"""Genius XML export: a domain file and one profile per party that Genius reads.

What is written, issue by issue (the type is chosen once per issue, for every party):

- an *integer* issue whose options are the consecutive integers ``lowerbound..upperbound`` and
  whose every party's ratings are linear in the value is written as a Genius integer issue with
  a linear evaluator (``offset``, ``slope``); likewise a *real* issue on an even grid of
  ``real_steps`` steps with linear ratings becomes a Genius real issue (``parameter0``,
  ``parameter1``), which :func:`~gobetween.formats.genius.load_genius` discretises back onto
  the same grid;
- every other issue is written as a discrete issue with one item per option.

Genius divides a discrete issue's evaluations by their largest, so an issue whose best rating is
below the top of the party's scale (say an issue where the best option only rates 6 of 10) cannot
be written as such. It is folded into the weight instead, which is exact: evaluations
``r / max r`` and weight ``w * max r``. The weights then sum to less than 1 when some issue's best
rating is below the top; Genius uses weights as written, so every package keeps its utility
(the reservation value stays on the same scale). An issue that a party rates 0 throughout keeps
its weight, with every evaluation 0 (Genius scores it 0, and the profile's weights stay positive).

When some party has bonuses, every profile is written as a Genius non-linear profile (ANAC
2014: hyperrectangle constraints over integer issues, see
:mod:`gobetween.formats.genius_nonlinear`; each party's additive part becomes one-issue
constraints), since Genius gives an issue one type for every party. Each option's
clause wording is written into the domain as ``<wording option="..." language="..."
text="..."/>`` inside its ``<issue>``: Genius ignores the element, and
:func:`~gobetween.formats.genius.load_genius` reads it back.

Refused with :class:`~gobetween.errors.InvalidScenario`: preferences with red lines or
interactions (Genius profiles have neither), bonuses over issues that are not runs of integers,
and party names that give the same file name. Not written, because Genius has no place for
them: the scenario's description, illustrative flag, metadata, mediators and packages, option
labels, issue units and descriptions.

>>> import tempfile, pathlib
>>> from gobetween.model import Agenda, Issue, Preferences, Scenario
>>> from gobetween.formats.genius import load_genius
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> s = Scenario(agenda, {"A": Preferences({"a": 1, "b": 1}, {"a": {"x": 1, "y": 0},
...                                                           "b": {"p": 0.5, "q": 0}})})
>>> with tempfile.TemporaryDirectory() as tmp:
...     _ = save_genius(s, tmp)
...     again = load_genius(tmp)
>>> package = agenda.package({"a": "x", "b": "p"})
>>> s.utilities(package), again.utilities(again.agenda.package(package.options))
((0.75,), (0.75,))
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from gobetween.errors import N_, FileFormatError, InvalidScenario, Sentence
from gobetween.formats.genius import DEFAULT_REAL_STEPS
from gobetween.formats.genius_nonlinear import nonlinear_profile_xml
from gobetween.model import Agenda, Issue, IssueKind, Preferences, Scenario

__all__ = ["save_genius"]

_TOLERANCE = 1e-12


def _attr(value: object) -> str:
    return '"' + escape(str(value), quote=True) + '"'


def _number(value: float) -> str:
    return repr(float(value))


def _normalised(prefs: Preferences, issue: Issue) -> list[float]:
    return [prefs.scale.normalise(prefs.ratings[issue.name][o]) for o in issue.option_names]


def _linear(values: Sequence[float], ratings: Sequence[float]) -> tuple[float, float] | None:
    """``(intercept_at_first_value, slope)`` if ratings are linear in values within tolerance."""
    if len(values) == 1:
        return ratings[0], 0.0
    slope = (ratings[-1] - ratings[0]) / (values[-1] - values[0])
    for value, rating in zip(values, ratings, strict=True):
        if abs(ratings[0] + slope * (value - values[0]) - rating) > _TOLERANCE:
            return None
    return ratings[0], slope


def _genius_type(issue: Issue, scenario: Scenario, real_steps: int) -> str:
    values = [o.value for o in issue.options]
    if issue.kind is IssueKind.DISCRETE or any(v is None for v in values):
        return "discrete"
    numbers = [float(v) for v in values if v is not None]
    if issue.kind is IssueKind.INTEGER:
        grid_ok = all(
            n == numbers[0] + k and o.name == str(int(n))
            for k, (n, o) in enumerate(zip(numbers, issue.options, strict=True))
        )
    else:
        steps = len(numbers) - 1
        low, high = numbers[0], numbers[-1]
        grid_ok = steps == real_steps and high > low
        if grid_ok:
            again = Issue.from_range(issue.name, low, high, (high - low) / steps, kind=issue.kind)
            grid_ok = again.option_names == issue.option_names
    if not grid_ok:
        return "discrete"
    if _nonlinear(scenario):  # every profile is then written as constraints: no evaluator
        return "integer" if issue.kind is IssueKind.INTEGER else "discrete"
    for prefs in scenario.preferences.values():
        if _linear(numbers, _normalised(prefs, issue)) is None:
            return "discrete"
    return "integer" if issue.kind is IssueKind.INTEGER else "real"


def _nonlinear(scenario: Scenario) -> bool:
    """Whether some party has bonuses, so that every profile is written as a non-linear one
    (Genius gives an issue one type for every party, and constraints need integer issues)."""
    return any(p.bonuses for p in scenario.preferences.values())


def _issue_open(index: int, issue: Issue, kind: str) -> str:
    bounds = ""
    if kind == "integer":
        low, high = issue.options[0].value, issue.options[-1].value
        bounds = f" lowerbound={_attr(int(low or 0))} upperbound={_attr(int(high or 0))}"
    return (
        f"<issue index={_attr(index)} name={_attr(issue.name)}{bounds} "
        f"vtype={_attr(kind)} type={_attr(kind)} etype={_attr(kind)}>"
    )


def _range_element(issue: Issue) -> str:
    low, high = issue.options[0].value or 0.0, issue.options[-1].value or 0.0
    return f"<range lowerbound={_attr(_number(low))} upperbound={_attr(_number(high))}/>"


def _domain_xml(agenda: Agenda, kinds: Sequence[str]) -> str:
    lines = [
        "<negotiation_template>",
        f"<utility_space number_of_issues={_attr(len(agenda))}>",
        f'<objective index="0" description="" name={_attr(agenda.name)} '
        'type="objective" etype="objective">',
    ]
    for index, (issue, kind) in enumerate(zip(agenda.issues, kinds, strict=True), start=1):
        lines.append(_issue_open(index, issue, kind))
        if kind == "discrete":
            for k, option in enumerate(issue.options, start=1):
                lines.append(f"<item index={_attr(k)} value={_attr(option.name)}>\n</item>")
        elif kind == "real":
            lines.append(_range_element(issue))
        lines += [
            f"<wording option={_attr(o.name)} language={_attr(lang)} text={_attr(text)}/>"
            for o in issue.options
            for lang, text in o.wording.items()
        ]
        lines.append("</issue>")
    lines += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    return "\n".join(lines)


def _profile_xml(party: str, prefs: Preferences, agenda: Agenda, kinds: Sequence[str]) -> str:
    if prefs.red_lines or prefs.interactions:
        part = "red_lines" if prefs.red_lines else "interactions"
        message = (
            N_("party %(party)r has red lines, which Genius profiles cannot express")
            if prefs.red_lines
            else N_("party %(party)r has interactions, which Genius profiles cannot express")
        )
        raise InvalidScenario(
            message,
            location=f"parties.{party}.{part}",
            expected=N_("additive preferences without red lines or interactions"),
            params={"party": party},
        )
    weights = prefs.normalised_weights(agenda)
    lines = [
        "<utility_space>",
        f'<objective index="0" description="" name={_attr(agenda.name)} '
        'type="objective" etype="objective">',
    ]
    written: list[float] = []
    for index, (issue, kind, weight) in enumerate(
        zip(agenda.issues, kinds, weights, strict=True), start=1
    ):
        ratings = _normalised(prefs, issue)
        lines.append(_issue_open(index, issue, kind))
        if kind == "discrete":
            best = max(ratings)
            written.append(weight * best if best > 0 else weight)
            for k, (option, rating) in enumerate(zip(issue.options, ratings, strict=True), 1):
                evaluation = max(0.0, rating / best) if best > 0 else 0.0
                lines.append(
                    f"<item index={_attr(k)} value={_attr(option.name)} "
                    f"evaluation={_attr(_number(evaluation))}>\n</item>"
                )
        else:
            values = [float(o.value or 0.0) for o in issue.options]
            line = _linear(values, ratings)
            first, slope = line if line is not None else (ratings[0], 0.0)
            written.append(weight)
            if kind == "integer":
                lines.append(
                    f'<evaluator ftype="linear" slope={_attr(_number(slope))} '
                    f"offset={_attr(_number(first))}>\n</evaluator>"
                )
            else:
                lines.append(_range_element(issue))
                constant = first - slope * values[0]
                lines.append(
                    f'<evaluator ftype="linear" parameter0={_attr(_number(constant))} '
                    f"parameter1={_attr(_number(slope))}>\n</evaluator>"
                )
        lines.append("</issue>")
    for index, weight in enumerate(written, start=1):
        lines.append(f"<weight index={_attr(index)} value={_attr(_number(weight))}>\n</weight>")
    lines.append("</objective>")
    return "\n".join([*lines, *_profile_end(prefs)])


def _profile_end(prefs: Preferences) -> list[str]:
    """A profile's last lines: its discount factor (if any), its reservation value."""
    end = []
    if prefs.discount is not None:
        end.append(f"<discount_factor value={_attr(_number(prefs.discount))}/>")
    end.append(f"<reservation value={_attr(_number(prefs.reservation))}/>")
    return [*end, "</utility_space>", ""]


def _nonlinear_xml(party: str, prefs: Preferences, agenda: Agenda, kinds: Sequence[str]) -> str:
    """A non-linear (ANAC 2014) profile: the issues, then every bonus (and the additive part)
    as hyperrectangle constraints."""
    if prefs.red_lines or prefs.interactions:
        return _profile_xml(party, prefs, agenda, kinds)  # refused there, with the reason
    lines = [
        '<utility_space type="nonlinear">',
        f'<objective index="0" description="" name={_attr(agenda.name)} '
        'type="objective" etype="objective">',
    ]
    for index, (issue, kind) in enumerate(zip(agenda.issues, kinds, strict=True), start=1):
        lines += [_issue_open(index, issue, kind), "</issue>"]
    lines.append("</objective>")
    lines += nonlinear_profile_xml(party, prefs, agenda, kinds)
    return "\n".join([*lines, *_profile_end(prefs)])


def _file_stem(name: str) -> str:
    stem = re.sub(r"[^\w .-]", "_", name).strip().lstrip(".")
    return stem or "party"


def save_genius(
    scenario: Scenario, folder: str | os.PathLike[str], *, real_steps: int = DEFAULT_REAL_STEPS
) -> list[Path]:
    """Write ``scenario`` as a Genius folder: ``domain.xml`` and ``<party>.xml`` per party.

    The folder is created if needed and must not hold XML files already. Returns the paths
    written (domain first). Characters other than letters, digits, space, ``.``, ``_`` and
    ``-`` in party names become ``_`` in file names (and so in the names read back).
    """
    target = Path(folder)
    stems = {party: _file_stem(party) for party in scenario.party_names}
    seen: dict[str, object] = {"domain": Sentence(N_("(the domain file)"))}
    for party, stem in stems.items():
        if stem.lower() in seen:
            raise InvalidScenario(
                N_("parties %(first)r and %(second)r would both be written as %(file)s"),
                location=f"parties.{party}",
                expected=N_("party names that give distinct file names (and not 'domain')"),
                params={"first": seen[stem.lower()], "second": party, "file": f"{stem}.xml"},
            )
        seen[stem.lower()] = party
    kinds = [_genius_type(issue, scenario, real_steps) for issue in scenario.agenda.issues]
    contents = {"domain": _domain_xml(scenario.agenda, kinds)}
    profile = _nonlinear_xml if _nonlinear(scenario) else _profile_xml
    for party, prefs in scenario.preferences.items():
        contents[stems[party]] = profile(party, prefs, scenario.agenda, kinds)
    if target.exists() and not target.is_dir():
        raise FileFormatError(N_("this is a file"), source=str(target), expected=N_("a folder"))
    if target.is_dir() and any(target.glob("*.xml")):
        raise FileFormatError(
            N_("the folder already holds XML files"),
            source=str(target),
            expected=N_("a new or empty folder"),
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, text in contents.items():
        path = target / f"{stem}.xml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
