"""Genius XML import: a domain file and one profile per party, with Genius's own semantics.

Genius (the TU Delft negotiation platform, format of the ANAC competitions) stores a *domain*
(root ``negotiation_template``: issues with items, or integer / real ranges) and one *profile*
per party (root ``utility_space``: a weight per issue, an evaluation per item or a linear
evaluator, optional ``reservation`` and ``discount_factor``). Genius scores a package as

    U = sum_i w_i * e_i(v_i)        (capped at 1)

with ``e_i`` the item's evaluation divided by the issue's largest evaluation (0 for an issue
whose largest evaluation is below 1e-5), ``clip(offset + slope * (v - lowerbound), 0, 1)`` for
an integer issue and ``clip(parameter0 + parameter1 * v, 0, 1)`` for a real one. The weights are
used as written (Genius does not renormalise a profile it reads from a file).

Mapping onto :class:`~gobetween.model.Preferences` (ratings on ``RatingScale(0, 1)``, weights
normalised to sum to 1), exactly whenever Genius does not cap, i.e. when the largest possible
``sum_i w_i * max e_i`` is at most 1:

- weights summing to ``S <= 1``: the weights as written and ratings ``e * S`` (so a profile
  whose weights sum to 0.99 keeps its best utility of 0.99);
- weights summing to more than 1 but no package above 1: each issue's weight is multiplied by its
  largest evaluation and its ratings divided by it (the same utilities);
- otherwise Genius caps utilities at 1 and no additive profile can match that; the weights are
  then normalised (utilities are Genius's uncapped sums divided by the weight sum; among the ANAC
  profiles, the Laptop ones of 2011-2013 with weights summing to 1.00005, car-Profile8 of 2015 with
  1.0075, and a few whose weights exceed 1 by rounding only).

Each integer value becomes one option. A real issue is discretised into ``real_steps`` equal
steps (default :data:`DEFAULT_REAL_STEPS`, so 11 options). A discount factor outside (0, 1] means
"no discount" in Genius and is read as none. Party names are the profile files' names without
``.xml``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gobetween.errors import N_, FileFormatError, InputError, InvalidScenario
from gobetween.formats.genius_frontier import parse_reference_frontier
from gobetween.formats.genius_nonlinear import is_nonlinear, nonlinear_preferences
from gobetween.formats.reading import (
    DEFAULT_MAX_BYTES,
    XmlElement,
    parse_xml,
    read_bytes,
    refusal,
)
from gobetween.model import Agenda, Issue, IssueKind, Preferences, RatingScale, Scenario

__all__ = ["DEFAULT_REAL_STEPS", "GENIUS_MIN_MAX_EVALUATION", "load_genius"]

#: A real issue is discretised into this many equal steps (this many + 1 options) by default.
DEFAULT_REAL_STEPS = 10
#: Genius scores an issue 0 when its largest item evaluation is below this.
GENIUS_MIN_MAX_EVALUATION = 1e-5

DOMAIN_ROOT = "negotiation_template"
PROFILE_ROOT = "utility_space"


@dataclass(frozen=True)
class _Xml:
    path: Path
    root: XmlElement

    @property
    def source(self) -> str:
        return str(self.path)


def _at(error: InputError, xml: _Xml, line: int) -> InputError:
    """The model's error, placed at a line of an XML file (its own location replaced)."""
    placed = error.located(source=xml.source)
    placed.location = f"line {line}"
    return placed


def _attr(xml: _Xml, element: XmlElement, name: str) -> str:
    value = element.get(name)
    if value is None:
        raise refusal(
            xml.source,
            element,
            N_("<%(tag)s> has no %(name)r attribute"),
            "%(attribute)s=...",
            tag=element.tag,
            name=name,
            attribute=name,
        )
    return value


def _option(
    xml: _Xml,
    element: XmlElement,
    name: str,
    issue: Issue,
    template: str,
    error: type[InputError] = FileFormatError,
) -> str:
    """The option of ``issue`` that ``element``'s attribute ``name`` names; one the issue lacks
    is refused (as ``error``, worded by ``template`` with ``%(issue)r`` and ``%(option)r``,
    marked :func:`N_`) at the element's line."""
    option = _attr(xml, element, name)
    if not issue.has_option(option):
        raise _at(issue.unknown_option(option, error, template=template), xml, element.line)
    return option


def _number(xml: _Xml, element: XmlElement, name: str, *, default: float | None = None) -> float:
    return element.number(name, source=xml.source, default=default)


def _integer(xml: _Xml, element: XmlElement, name: str) -> int:
    value = _number(xml, element, name)
    if not value.is_integer():
        raise refusal(
            xml.source,
            element,
            N_("<%(tag)s> %(name)s=%(value)s is not an integer"),
            N_("an integer"),
            tag=element.tag,
            name=name,
            value=value,
        )
    return int(value)


def _issue_elements(element: XmlElement) -> list[XmlElement]:
    """Issues under an objective, in Genius's preorder (nested objectives included)."""
    found: list[XmlElement] = []
    for child in element.children:
        if child.tag == "issue":
            found.append(child)
        elif child.tag == "objective":
            found.extend(_issue_elements(child))
    return found


def _issue_type(element: XmlElement) -> str:
    return (
        element.get("type") or element.get("etype") or element.get("vtype") or "discrete"
    ).lower()


def _objective(xml: _Xml, root: XmlElement) -> XmlElement:
    """The ``<objective>`` holding the issues, or ``root`` itself when its issues sit directly
    under it (Genius reads such a profile too)."""
    objective = root.find("objective")
    if objective is None:
        if root.find("issue") is not None:
            return root
        raise refusal(
            xml.source,
            root,
            N_("<%(tag)s> has no <objective>"),
            N_("an <objective> with issues"),
            tag=root.tag,
        )
    return objective


def _integer_bounds(xml: _Xml, element: XmlElement) -> tuple[int, int]:
    """An integer issue's bounds: its attributes, or else the smallest and largest item value."""
    if element.get("lowerbound") is not None or element.get("upperbound") is not None:
        return _integer(xml, element, "lowerbound"), _integer(xml, element, "upperbound")
    items = element.findall("item")
    if not items:
        raise refusal(
            xml.source,
            element,
            N_("integer issue %(name)r has neither bounds nor items"),
            N_("lowerbound=... upperbound=... or <item value=...> elements"),
            name=element.get("name"),
        )
    values = [_integer(xml, item, "value") for item in items]
    return min(values), max(values)


def _real_bounds(xml: _Xml, element: XmlElement) -> tuple[float, float]:
    holder = element.find("range") or element
    low, high = _number(xml, holder, "lowerbound"), _number(xml, holder, "upperbound")
    if high < low:
        raise refusal(
            xml.source,
            holder,
            N_("upperbound %(high)s is below lowerbound %(low)s"),
            "low <= high",
            high=high,
            low=low,
        )
    return low, high


def with_default_wording(issue: Issue, language: str = "en") -> Issue:
    """``issue`` with its default clause (``"<issue>: <option> <unit>."``, see
    :meth:`~gobetween.model.Issue.default_clause`) on options that have no wording.

    Genius domains carry no prose; the default gives every imported option a clause the
    mediators then redraft in the text.

    >>> issue = with_default_wording(Issue.discrete("ports", ["Odesa"]))
    >>> issue.options[0].clause("en")
    'ports: Odesa.'
    """
    options = tuple(
        o
        if o.clause(language)
        else replace(o, wording={**o.wording, language: issue.default_clause(o.name)})
        for o in issue.options
    )
    return replace(issue, options=options)


def _written_wording(xml: _Xml, element: XmlElement, issue: Issue) -> Issue:
    """``issue`` with the clause wording gobetween writes into a domain (``<wording
    option="..." language="..." text="..."/>`` inside ``<issue>``; Genius ignores it)."""
    given: dict[str, dict[str, str]] = {}
    for child in element.findall("wording"):
        template = N_("wording for option %(option)r, which issue %(issue)r lacks")
        option = _option(xml, child, "option", issue, template)
        given.setdefault(option, {})[_attr(xml, child, "language")] = _attr(xml, child, "text")
    if not given:
        return issue
    try:
        options = tuple(
            replace(o, wording={**o.wording, **given.get(o.name, {})}) for o in issue.options
        )
    except InputError as exc:
        raise _at(exc, xml, element.line) from None
    return replace(issue, options=options)


def _domain_issue(xml: _Xml, element: XmlElement, real_steps: int) -> Issue:
    name = _attr(xml, element, "name")
    kind = _issue_type(element)
    bounds = _integer_bounds(xml, element) if kind == "integer" else (0, 0)
    try:
        if kind == "discrete":
            values = [_attr(xml, item, "value") for item in element.findall("item")]
            return Issue.discrete(name, values)
        if kind == "integer":
            return Issue.from_range(name, *bounds, 1, kind=IssueKind.INTEGER)
        if kind == "real":
            low, high = _real_bounds(xml, element)
            step = (high - low) / real_steps if high > low else 1.0
            return Issue.from_range(name, low, high, step, kind=IssueKind.REAL)
    except InputError as exc:
        items = element.findall("item")
        match = re.match(r"options\[(\d+)\]", exc.location or "")
        line = items[int(match.group(1))].line if match and kind == "discrete" else element.line
        raise _at(exc, xml, line) from None
    raise refusal(
        xml.source,
        element,
        N_("issue %(name)r has type %(kind)r"),
        N_("discrete, integer or real"),
        name=name,
        kind=kind,
    )


def _domain(xml: _Xml, real_steps: int) -> tuple[Agenda, list[XmlElement]]:
    space = xml.root.find(PROFILE_ROOT)
    if space is None:
        raise refusal(
            xml.source, xml.root, N_("the domain has no <utility_space>"), "<utility_space>"
        )
    objective = _objective(xml, space)
    elements = _issue_elements(objective)
    issues = tuple(
        with_default_wording(
            _written_wording(xml, element, _domain_issue(xml, element, real_steps))
        )
        for element in elements
    )
    try:
        agenda = Agenda(issues, name=objective.get("name") or "agenda")
    except InputError as exc:
        match = re.match(r"issues\[(\d+)\]", exc.location or "")
        line = elements[int(match.group(1))].line if match else objective.line
        raise _at(exc, xml, line) from None
    return agenda, elements


def _discrete_evaluations(xml: _Xml, element: XmlElement, issue: Issue) -> list[float]:
    given: dict[str, float] = {}
    for item in element.findall("item"):
        template = N_("issue %(issue)r has no item %(option)r in the domain")
        value = _option(xml, item, "value", issue, template, InvalidScenario)
        evaluation = _number(xml, item, "evaluation")
        if evaluation < 0:
            raise refusal(
                xml.source,
                item,
                N_("item %(value)r has a negative evaluation"),
                N_("a number >= 0"),
                value=value,
            )
        given[value] = evaluation
    missing = [o for o in issue.option_names if o not in given]
    if missing:
        raise refusal(
            xml.source,
            element,
            N_("issue %(name)r gives no evaluation for item %(value)r of the domain"),
            N_("an evaluation for every item of the domain"),
            error=InvalidScenario,
            name=issue.name,
            value=missing[0],
        )
    top = max(given.values())
    if top < GENIUS_MIN_MAX_EVALUATION:
        return [0.0 for _ in issue.options]
    return [given[o] / top for o in issue.option_names]


def _linear_evaluations(
    xml: _Xml, element: XmlElement, issue: Issue, domain_element: XmlElement
) -> list[float]:
    evaluator = element.find("evaluator")
    kind = _issue_type(element)
    values = [float(o.value) if o.value is not None else 0.0 for o in issue.options]
    if kind == "integer":
        if evaluator is None and element.find("item") is not None:
            return _discrete_evaluations(xml, element, issue)
        if evaluator is None:
            return [0.0 for _ in values]  # Genius: slope and offset default to 0
        holders = [e for e in (element, domain_element) if e.get("lowerbound") is not None]
        low = _number(xml, holders[0], "lowerbound") if holders else values[0]
        slope, offset = _number(xml, evaluator, "slope"), _number(xml, evaluator, "offset")
        return [min(1.0, max(0.0, offset + slope * (v - low))) for v in values]
    if evaluator is None:
        raise refusal(
            xml.source,
            element,
            N_("real issue %(name)r has no <evaluator>"),
            "<evaluator>",
            name=issue.name,
        )
    ftype = (evaluator.get("ftype") or "linear").lower()
    if ftype == "linear":
        constant, slope = (
            _number(xml, evaluator, "parameter0"),
            _number(xml, evaluator, "parameter1"),
        )
        return [min(1.0, max(0.0, constant + slope * v)) for v in values]
    if ftype == "constant":
        constant = _number(xml, evaluator, "parameter0")
        if not 0 <= constant <= 1:
            raise refusal(
                xml.source,
                evaluator,
                N_("constant evaluation %(constant)s"),
                N_("a number in [0, 1]"),
                constant=constant,
            )
        return [constant for _ in values]
    raise refusal(
        xml.source,
        evaluator,
        N_("evaluator ftype %(ftype)r is not supported"),
        N_("linear or constant"),
        ftype=ftype,
    )


def _weights(xml: _Xml, objective: XmlElement) -> dict[int, tuple[float, XmlElement]]:
    weights: dict[int, tuple[float, XmlElement]] = {}
    stack = [objective]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.tag == "weight":
                weights[_integer(xml, child, "index")] = (_number(xml, child, "value"), child)
            elif child.tag == "objective":
                stack.append(child)
    return weights


def _as_preferences(
    weights: Sequence[float], evaluations: Sequence[Sequence[float]]
) -> tuple[list[float], list[list[float]]]:
    """Weights and [0, 1] ratings that give Genius's utilities (see the module docstring)."""
    total = math.fsum(weights)
    best = [max(e) for e in evaluations]
    if total <= 1:
        return list(weights), [[x * total for x in e] for e in evaluations]
    reach = math.fsum(w * b for w, b in zip(weights, best, strict=True))
    if reach <= 1:
        folded = [w * b for w, b in zip(weights, best, strict=True)]
        ratings = [
            [x / b * reach if b > 0 else 0.0 for x in e]
            for e, b in zip(evaluations, best, strict=True)
        ]
        return folded, ratings
    return list(weights), [list(e) for e in evaluations]


def _matched_elements(
    xml: _Xml, agenda: Agenda, objective: XmlElement, domain: _Xml
) -> list[XmlElement]:
    """The profile's issue elements in the domain's order; refuse any mismatch of names."""
    expected = N_("the domain's issues: %(issues)s")
    issues = ", ".join(repr(n) for n in agenda.issue_names)
    by_name: dict[str, XmlElement] = {}
    for element in _issue_elements(objective):
        name = _attr(xml, element, "name")
        if not agenda.has_issue(name) or name in by_name:
            raise refusal(
                xml.source,
                element,
                N_("the profile has issue %(name)r twice")
                if name in by_name
                else N_("the profile has issue %(name)r, which the domain %(domain)s lacks"),
                expected,
                error=InvalidScenario,
                name=name,
                domain=domain.path.name,
                issues=issues,
            )
        by_name[name] = element
    for name in agenda.issue_names:
        if name not in by_name:
            raise refusal(
                xml.source,
                objective,
                N_("the profile has no issue %(name)r of the domain %(name2)s"),
                expected,
                error=InvalidScenario,
                name=name,
                name2=domain.path.name,
                issues=issues,
            )
    return [by_name[name] for name in agenda.issue_names]


def _issue_weight(
    xml: _Xml, issue: Issue, element: XmlElement, weights: dict[int, tuple[float, XmlElement]]
) -> float:
    index = _integer(xml, element, "index")
    if index not in weights:
        raise refusal(
            xml.source,
            element,
            N_("issue %(name)r has no weight"),
            "<weight index=%(index)s>",
            name=issue.name,
            index=index,
        )
    weight, weight_element = weights[index]
    if weight < 0:
        raise refusal(
            xml.source,
            weight_element,
            N_("weight %(weight)s is negative"),
            N_("a number >= 0"),
            weight=weight,
        )
    return weight


def _issue_evaluations(
    xml: _Xml, issue: Issue, element: XmlElement, domain_element: XmlElement
) -> list[float]:
    if _issue_type(element) != _issue_type(domain_element):
        raise refusal(
            xml.source,
            element,
            N_("issue %(name)r is %(value)s here but %(value2)s in the domain"),
            _issue_type(domain_element),
            error=InvalidScenario,
            name=issue.name,
            value=_issue_type(element),
            value2=_issue_type(domain_element),
        )
    if issue.kind is IssueKind.DISCRETE:
        return _discrete_evaluations(xml, element, issue)
    return _linear_evaluations(xml, element, issue, domain_element)


def _reservation_and_discount(xml: _Xml) -> tuple[float, float | None]:
    reservation = xml.root.find("reservation")
    discount = xml.root.find("discount_factor")
    value = _number(xml, reservation, "value") if reservation is not None else 0.0
    factor = _number(xml, discount, "value") if discount is not None else None
    if factor is not None and not 0 < factor <= 1:
        factor = None  # Genius reads such a factor as "no discount"
    return value, factor


def _nonlinear(xml: _Xml, agenda: Agenda, domain_elements: list[XmlElement]) -> Preferences:
    """An ANAC 2014 profile of hyperrectangle constraints (see :mod:`.genius_nonlinear`)."""
    objective = xml.root.find("objective")
    own = _issue_elements(objective) if objective is not None else []
    elements = own or domain_elements
    indices = {}
    for element in elements:
        name = _attr(xml, element, "name")
        if not agenda.has_issue(name):
            raise refusal(
                xml.source,
                element,
                N_("the profile has issue %(name)r, which the domain lacks"),
                N_("the domain's issues"),
                error=InvalidScenario,
                name=name,
            )
        indices[_integer(xml, element, "index")] = name
    reservation, discount = _reservation_and_discount(xml)
    return nonlinear_preferences(xml.source, xml.root, agenda, indices, reservation, discount)


def _profile(
    xml: _Xml, agenda: Agenda, domain_elements: list[XmlElement], domain: _Xml
) -> Preferences:
    if is_nonlinear(xml.root):
        return _nonlinear(xml, agenda, domain_elements)
    objective = _objective(xml, xml.root)
    elements = _matched_elements(xml, agenda, objective, domain)
    weights_by_index = _weights(xml, objective)
    weights = [
        _issue_weight(xml, issue, element, weights_by_index)
        for issue, element in zip(agenda.issues, elements, strict=True)
    ]
    evaluations = [
        _issue_evaluations(xml, issue, element, domain_element)
        for issue, element, domain_element in zip(
            agenda.issues, elements, domain_elements, strict=True
        )
    ]
    final_weights, ratings = _as_preferences(weights, evaluations)
    reservation, discount = _reservation_and_discount(xml)
    try:
        return Preferences(
            weights={i.name: w for i, w in zip(agenda.issues, final_weights, strict=True)},
            ratings={
                i.name: dict(zip(i.option_names, r, strict=True))
                for i, r in zip(agenda.issues, ratings, strict=True)
            },
            scale=RatingScale(0.0, 1.0),
            reservation=reservation,
            discount=discount,
        )
    except InputError as exc:
        raise _at(exc, xml, objective.line) from None


def _natural(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def _read(path: Path, max_bytes: int) -> _Xml:
    return _Xml(path, parse_xml(read_bytes(path, max_bytes=max_bytes), source=str(path)))


def _scenario_folders(folder: Path) -> list[str]:
    """Names of the sub-folders of ``folder`` that hold XML files (a folder of scenarios)."""
    return sorted(
        (d.name for d in folder.iterdir() if d.is_dir() and any(d.rglob("*.xml"))),
        key=lambda name: _natural(Path(name)),
    )


def _sorted_contents(
    folder: Path, chosen: Path | None, max_bytes: int
) -> tuple[list[_Xml], list[str]]:
    """The folder's XML files parsed (``chosen`` first) and what is ignored, with the reason."""
    parsed: list[_Xml] = []
    ignored: list[str] = []
    for entry in sorted(folder.iterdir(), key=_natural):
        if entry.name.startswith(".") or entry == chosen:
            continue
        if entry.is_dir() or entry.suffix.lower() != ".xml":
            ignored.append(f"{entry.name} ({'a folder' if entry.is_dir() else 'not an .xml file'})")
            continue
        data = read_bytes(entry, max_bytes=max_bytes)
        frontier = parse_reference_frontier(data)
        if frontier is not None:
            ignored.append(f"{entry.name} (a reference frontier of {len(frontier)} points)")
            continue
        parsed.append(_Xml(entry, parse_xml(data, source=str(entry))))
    if chosen is not None:
        parsed.insert(0, _read(chosen, max_bytes))
    return parsed, ignored


def _check_roots(parsed: list[_Xml], chosen: Path | None) -> None:
    if chosen is not None and parsed[0].root.tag != DOMAIN_ROOT:
        raise refusal(
            parsed[0].source,
            parsed[0].root,
            N_("the root element is <%(tag)s>"),
            N_("a Genius domain (<%(domain)s>); give the domain file or its folder"),
            tag=parsed[0].root.tag,
            domain=DOMAIN_ROOT,
        )
    for xml in parsed:
        if xml.root.tag not in (DOMAIN_ROOT, PROFILE_ROOT):
            raise refusal(
                xml.source,
                xml.root,
                N_("the root element is <%(tag)s>"),
                N_("a Genius domain <%(domain)s> or profile <%(profile)s>"),
                tag=xml.root.tag,
                domain=DOMAIN_ROOT,
                profile=PROFILE_ROOT,
            )


def _files(location: Path, max_bytes: int) -> tuple[Path, _Xml, list[_Xml], list[str]]:
    """The folder, its one domain, its profiles (a given domain file comes first) and the
    files ignored (not part of the scenario, each with what it is)."""
    if location.is_dir():
        folder, chosen = location, None
    elif location.exists():
        folder, chosen = location.parent, location
    else:
        raise FileFormatError(
            N_("no such file or folder"), source=str(location), expected=N_("a Genius folder")
        )
    parsed, ignored = _sorted_contents(folder, chosen, max_bytes)
    _check_roots(parsed, chosen)
    domains = [x for x in parsed if x.root.tag == DOMAIN_ROOT]
    profiles = [x for x in parsed if x.root.tag == PROFILE_ROOT]
    if not parsed and (inside := _scenario_folders(folder)):
        shown = ", ".join(inside[:5]) + (f" and {len(inside) - 5} more" if len(inside) > 5 else "")
        raise FileFormatError(
            N_("this is a folder of %(n_inside)s scenario folders (%(shown)s), not one scenario"),
            source=str(folder),
            expected=N_("one scenario folder (or gobetween.formats.load_genius_folders for all)"),
            params={"n_inside": len(inside), "shown": shown},
        )
    if len(domains) != 1:
        names = ", ".join(x.path.name for x in domains) or "none"
        raise FileFormatError(
            N_("a Genius folder needs exactly one domain file (found: %(names)s)"),
            source=str(folder),
            expected=N_("one XML file whose root is <%(root)s>"),
            params={"names": names, "root": DOMAIN_ROOT},
        )
    if not profiles:
        raise FileFormatError(
            N_("the folder has no Genius profile"),
            source=str(folder),
            expected=N_("XML files whose root is <%(root)s>, one per party"),
            params={"root": PROFILE_ROOT},
        )
    return folder, domains[0], profiles, ignored


def load_genius(
    path: str | os.PathLike[str],
    *,
    real_steps: int = DEFAULT_REAL_STEPS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Scenario:
    """A Genius scenario from a folder, or from a domain file with its profiles beside it.

    Profile issues are matched to the domain's by name, items by value.

    Raises
    ------
    FileFormatError
        A file that is not Genius XML (or not safe XML: :class:`~gobetween.errors.UnsafeXML`).
    InvalidScenario
        A profile whose issues or items do not match the domain.

    >>> import tempfile
    >>> from gobetween.formats import examples, save_genius
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = save_genius(examples.load("classroom").scenario, folder)
    ...     load_genius(folder).party_names
    ('candidate', 'employer')
    """
    if real_steps < 1:
        raise FileFormatError(
            N_("real_steps is %(steps)s"),
            expected=N_("at least 1 step"),
            params={"steps": real_steps},
        )
    folder, domain, profiles, ignored = _files(Path(path), max_bytes)
    agenda, elements = _domain(domain, real_steps)
    preferences = {x.path.stem: _profile(x, agenda, elements, domain) for x in profiles}
    return Scenario(
        agenda,
        preferences,
        name=folder.name or "genius",
        metadata={"source": "genius", "domain": domain.path.name}
        | ({"ignored": "; ".join(ignored)} if ignored else {}),
    )
