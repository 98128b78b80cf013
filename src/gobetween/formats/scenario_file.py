"""The gobetween scenario format (version 1) in YAML and JSON.

A scenario file holds an agenda, each party's preferences and, optionally, named packages
(``status quo``, ``draft text``) validated against the agenda. Reading checks the document in
two stages, and every error names the file, the line (YAML) or the path, and what was expected:

1. the JSON Schema (:func:`~gobetween.formats.schema.scenario_json_schema`) for the shape;
2. the domain model's own validation (duplicate options, weights that sum to zero, ratings off
   the scale, a package with an unknown option, ...), whose error is re-raised with the file
   and the location of the offending value.

>>> text = '''
... gobetween: 1
... name: sale
... agenda:
...   issues:
...     - name: price
...       range: {low: 100, high: 300, step: 100}
... parties:
...   seller: {weights: {price: 1}, ratings: {price: {100: 0, 200: 0.5, 300: 1}}}
...   buyer: {weights: {price: 1}, ratings: {price: {100: 1, 200: 0.5, 300: 0}}}
... packages:
...   opening offer: {price: 300}
... '''
>>> loaded = loads_scenario_file(text, fmt="yaml", source="sale.yaml")
>>> loaded.scenario.utilities(loaded.packages["opening offer"])
(1.0, 0.0)
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from gobetween.errors import N_, FileFormatError, InputError, InvalidScenario
from gobetween.formats.documents import Document, parse_json, parse_yaml
from gobetween.formats.lazy import lazy_module
from gobetween.formats.schema import FORMAT_VERSION, Path, schema_errors
from gobetween.model import (
    Agenda,
    Bonus,
    Interaction,
    Issue,
    IssueKind,
    Option,
    Package,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
    check_bonus_limit,
    in_languages,
)

if TYPE_CHECKING:
    import yaml
else:  # PyYAML is imported on first use (start-up time of `analyze`)
    yaml = lazy_module("yaml")

__all__ = [
    "Format",
    "ScenarioFile",
    "dump_scenario",
    "loads_scenario",
    "loads_scenario_file",
    "scenario_document",
]

Format = Literal["yaml", "json"]
T = TypeVar("T")


@dataclass(frozen=True)
class ScenarioFile:
    """What a scenario file holds: the scenario, its named packages and its mediators.

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0}})})
    >>> ScenarioFile(s, {"status quo": agenda.package({"a": "y"})}).packages["status quo"].options
    {'a': 'y'}
    """

    scenario: Scenario
    packages: Mapping[str, Package] = field(default_factory=dict)
    mediators: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, package in self.packages.items():
            if package.agenda != self.scenario.agenda:
                raise InvalidScenario(
                    N_("package %(name)r belongs to another agenda"),
                    location=f"packages.{name}",
                    expected=N_("packages over the scenario's agenda"),
                    params={"name": name},
                )
        object.__setattr__(self, "packages", MappingProxyType(dict(self.packages)))
        object.__setattr__(self, "mediators", tuple(self.mediators))


# --- reading -------------------------------------------------------------------------------

_INT = object()
_KEY = object()
#: Paths whose scalars keep their YAML type (numbers, booleans); every other scalar is a name.
_TYPED: tuple[tuple[object, ...], ...] = (
    ("gobetween",),
    ("illustrative",),
    ("agenda", "issues", _INT, "range", _KEY),
    ("agenda", "issues", _INT, "options", _INT, "value"),
    ("parties", _KEY, "scale", _INT),
    ("parties", _KEY, "weights", _KEY),
    ("parties", _KEY, "ratings", _KEY, _KEY),
    ("parties", _KEY, "reservation"),
    ("parties", _KEY, "discount"),
    ("parties", _KEY, "interactions", _INT, "bonus"),
    ("parties", _KEY, "bonuses", _INT, "bonus"),
)


def _matches(pattern: tuple[object, ...], path: Path) -> bool:
    if len(pattern) != len(path):
        return False
    for want, part in zip(pattern, path, strict=True):
        if want is _INT:
            if not isinstance(part, int):
                return False
        elif want is _KEY:
            if not isinstance(part, str):
                return False
        elif want != part:
            return False
    return True


def _typed(path: Path) -> bool:
    return any(_matches(pattern, path) for pattern in _TYPED)


def _resolve(tree: Any, location: str | None) -> Path:
    """The document path that a model error's dotted ``location`` points to, as far as it goes.

    Names may contain dots, so at each mapping the longest key that fits is taken.
    """
    path: list[str | int] = []
    rest = location or ""
    node = tree
    while rest:
        if isinstance(node, list):
            match = re.match(r"\[(\d+)\]\.?", rest)
            if match is None or int(match.group(1)) >= len(node):
                break
            path.append(int(match.group(1)))
            node = node[int(match.group(1))]
            rest = rest[match.end() :]
        elif isinstance(node, dict):
            keys = [k for k in node if rest == k or rest.startswith((k + ".", k + "["))]
            if not keys:
                break
            key = max(keys, key=len)
            path.append(key)
            node = node[key]
            rest = rest[len(key) :].removeprefix(".")
        else:
            break
    return tuple(path)


def _model(doc: Document, base: Path, tree: Any, build: Callable[[], T]) -> T:
    """Run a model constructor; locate its error in the document (file, line, path)."""
    try:
        return build()
    except InputError as exc:
        error = exc.located(source=doc.source)
        error.location = doc.where((*base, *_resolve(tree, exc.location)))
        raise error from None


def _each(
    doc: Document,
    base: Path,
    entries: Iterable[Any],
    build: Callable[[Any], T],
    *,
    within: bool = False,
) -> tuple[T, ...]:
    """``build(entry)`` for each entry of the list at ``base``, a refusal located at its entry
    (``within``: at the part of the entry the model's error names)."""
    return tuple(
        _model(doc, (*base, k), entry if within else None, partial(build, entry))
        for k, entry in enumerate(entries)
    )


def _bonus(item: Mapping[str, Any]) -> Bonus:
    when = item["when"]
    return Bonus(
        item["bonus"], {i: (o,) if isinstance(o, str) else tuple(o) for i, o in when.items()}
    )


def _range_kind(spec: Mapping[str, Any]) -> IssueKind:
    numbers = (spec["low"], spec["high"], spec["step"])
    return IssueKind.INTEGER if all(float(x).is_integer() for x in numbers) else IssueKind.REAL


def _issue(doc: Document, index: int, spec: dict[str, Any]) -> Issue:
    base: Path = ("agenda", "issues", index)
    name = spec["name"]
    description = spec.get("description", "")
    unit = spec.get("unit")
    languages = in_languages(spec)
    settles = spec.get("settles")
    if "range" in spec:
        rng = spec["range"]
        kind = IssueKind(spec["kind"]) if "kind" in spec else _range_kind(rng)
        ranged = _model(
            doc,
            (*base, "range"),
            rng,
            lambda: Issue.from_range(
                name,
                rng["low"],
                rng["high"],
                rng["step"],
                kind=kind,
                unit=unit,
                description=description,
            ),
        )
        return _model(
            doc,
            base,
            spec,
            lambda: dataclasses.replace(ranged, **languages, settles=settles),
        )
    options = []
    for j, item in enumerate(spec["options"]):
        if isinstance(item, str):
            options.append(Option(item))
        else:
            options.append(
                _model(
                    doc,
                    (*base, "options", j),
                    item,
                    partial(
                        Option,
                        item["name"],
                        item.get("value"),
                        item.get("label"),
                        item.get("wording", {}),
                        item.get("names", {}),
                    ),
                )
            )
    kind = IssueKind(spec.get("kind", "discrete"))
    return _model(
        doc,
        base,
        spec,
        lambda: Issue(
            name,
            tuple(options),
            kind=kind,
            unit=unit,
            description=description,
            **languages,
            settles=settles,
        ),
    )


def _preferences(doc: Document, party: str, spec: dict[str, Any]) -> Preferences:
    base: Path = ("parties", party)
    scale = RatingScale()
    if "scale" in spec:
        scale = _model(doc, (*base, "scale"), None, lambda: RatingScale(*spec["scale"]))
    red_lines = _each(
        doc,
        (*base, "red_lines"),
        spec.get("red_lines", ()),
        lambda condition: RedLine(frozenset(condition.items())),
    )
    interactions = _each(
        doc,
        (*base, "interactions"),
        spec.get("interactions", ()),
        lambda item: Interaction(frozenset(item["when"].items()), item["bonus"]),
    )
    bonuses = _each(doc, (*base, "bonuses"), spec.get("bonuses", ()), _bonus, within=True)
    preferences = _model(
        doc,
        base,
        spec,
        lambda: Preferences(
            weights=spec["weights"],
            ratings=spec["ratings"],
            scale=scale,
            reservation=spec.get("reservation", 0.0),
            red_lines=red_lines,
            interactions=interactions,
            discount=spec.get("discount"),
            bonuses=bonuses,
        ),
    )
    # bonuses and interactions together, as the solver counts them (the schema bounds each list)
    _model(doc, base, spec, partial(check_bonus_limit, preferences))
    return preferences


def _build(doc: Document) -> ScenarioFile:
    error = schema_errors(doc.data, where=doc.where, source=doc.source)
    if error is not None:
        raise error
    data: dict[str, Any] = doc.data
    issues = tuple(_issue(doc, i, spec) for i, spec in enumerate(data["agenda"]["issues"]))
    agenda_name = data["agenda"].get("name", "agenda")
    agenda = _model(doc, ("agenda",), data["agenda"], lambda: Agenda(issues, name=agenda_name))
    preferences = {party: _preferences(doc, party, spec) for party, spec in data["parties"].items()}
    scenario = _model(
        doc,
        (),
        data,
        lambda: Scenario(
            agenda,
            preferences,
            name=data.get("name", "scenario"),
            description=data.get("description", ""),
            illustrative=data.get("illustrative", False),
            metadata=data.get("metadata", {}),
        ),
    )
    packages = {
        name: _model(
            doc,
            ("packages", name),
            options,
            partial(Package.from_options, agenda, options),
        )
        for name, options in data.get("packages", {}).items()
    }
    return ScenarioFile(scenario, packages, tuple(data.get("mediators", ())))


def _parse(text: str, fmt: Format, source: str | None) -> Document:
    if fmt == "yaml":
        return parse_yaml(text, source=source, typed=_typed)
    if fmt == "json":
        return parse_json(text, source=source)
    raise FileFormatError(
        N_("unknown scenario format %(fmt)r"),
        source=source,
        expected=N_("yaml or json"),
        params={"fmt": fmt},
    )


def loads_scenario_file(text: str, *, fmt: Format, source: str | None = None) -> ScenarioFile:
    """Read a scenario document from text (``fmt`` is ``"yaml"`` or ``"json"``).

    Raises
    ------
    FileFormatError
        Unparseable text or a document that does not fit the schema.
    InvalidModel
        A document that fits the schema but breaks the model's rules (an
        :class:`~gobetween.errors.InvalidAgenda`, ``InvalidPreferences``, ``InvalidPackage``
        or ``InvalidScenario``), located in the document.
    """
    if not text.strip():
        raise FileFormatError(N_("the document is empty"), source=source, expected=N_("a scenario"))
    return _build(_parse(text, fmt, source))


def loads_scenario(text: str, *, fmt: Format, source: str | None = None) -> Scenario:
    """Like :func:`loads_scenario_file`, returning only the scenario.

    >>> loads_scenario('{"gobetween": 1, "agenda": {"issues": [{"name": "a", "options": ["x"]}]},'
    ...                ' "parties": {"A": {"weights": {"a": 1}, "ratings": {"a": {"x": 1}}}}}',
    ...                fmt="json").party_names
    ('A',)
    """
    return loads_scenario_file(text, fmt=fmt, source=source).scenario


# --- writing -------------------------------------------------------------------------------


def _num(value: float) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _as_range(issue: Issue) -> dict[str, float | int] | None:
    """``{low, high, step}`` when the issue is exactly the discretisation of a range."""
    values = [o.value for o in issue.options]
    if (
        len(values) < 2
        or any(v is None for v in values)
        or any(o.label or o.wording or o.names for o in issue.options)
    ):
        return None
    low, second, high = float(values[0]), float(values[1]), float(values[-1])  # type: ignore[arg-type]  # None excluded above
    for step in (second - low, round(second - low, 12)):
        if step <= 0:
            continue
        try:
            again = Issue.from_range(
                issue.name,
                low,
                high,
                step,
                kind=issue.kind,
                unit=issue.unit,
                description=issue.description,
            )
        except InputError:
            continue
        same = dataclasses.replace(
            again, **in_languages(issue.languages_given()), settles=issue.settles
        )
        if same == issue:
            return {"low": _num(low), "high": _num(high), "step": _num(step)}
    return None


def _issue_document(issue: Issue) -> dict[str, Any]:
    result: dict[str, Any] = {"name": issue.name}
    if issue.description:
        result["description"] = issue.description
    rng = _as_range(issue)
    default_kind = _range_kind(rng) if rng is not None else IssueKind.DISCRETE
    if issue.kind is not default_kind:
        result["kind"] = issue.kind.value
    if issue.unit is not None:
        result["unit"] = issue.unit
    result.update(issue.languages_given())
    if issue.settles is not None:
        result["settles"] = issue.settles.value
    if rng is not None:
        result["range"] = rng
        return result
    options: list[Any] = []
    for option in issue.options:
        if option.value is None and option.label is None and not (option.wording or option.names):
            options.append(option.name)
            continue
        item: dict[str, Any] = {"name": option.name}
        if option.label is not None:
            item["label"] = option.label
        if option.value is not None:
            item["value"] = _num(option.value)
        if option.wording:
            item["wording"] = dict(option.wording)
        if option.names:
            item["names"] = dict(option.names)
        options.append(item)
    result["options"] = options
    return result


def _ordered_condition(agenda: Agenda, pairs: frozenset[tuple[str, str]]) -> dict[str, str]:
    return dict(sorted(pairs, key=lambda pair: agenda.index(pair[0])))


def _preferences_document(prefs: Preferences, agenda: Agenda) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if prefs.scale != RatingScale():
        result["scale"] = [_num(prefs.scale.low), _num(prefs.scale.high)]
    result["weights"] = {i.name: _num(prefs.weights[i.name]) for i in agenda.issues}
    result["ratings"] = {
        i.name: {o: _num(prefs.ratings[i.name][o]) for o in i.option_names} for i in agenda.issues
    }
    result["reservation"] = _num(prefs.reservation)
    if prefs.red_lines:
        result["red_lines"] = [_ordered_condition(agenda, r.pairs) for r in prefs.red_lines]
    if prefs.interactions:
        result["interactions"] = [
            {"when": _ordered_condition(agenda, i.pairs), "bonus": _num(i.bonus)}
            for i in prefs.interactions
        ]
    if prefs.bonuses:
        result["bonuses"] = [_bonus_document(b, agenda) for b in prefs.bonuses]
    if prefs.discount is not None:
        result["discount"] = _num(prefs.discount)
    return result


def _bonus_document(bonus: Bonus, agenda: Agenda) -> dict[str, Any]:
    """``{when: {issue: [option, ...]}, bonus}``: issues in agenda order, options as given."""
    when = {name: list(bonus.within[name]) for name in sorted(bonus.within, key=agenda.index)}
    return {"when": when, "bonus": _num(bonus.value)}


def scenario_document(item: Scenario | ScenarioFile) -> dict[str, Any]:
    """The scenario as plain data in the file format (what YAML and JSON files hold).

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0}})}, name="tiny")
    >>> scenario_document(s)["agenda"]
    {'issues': [{'name': 'a', 'options': ['x', 'y']}]}
    """
    file = item if isinstance(item, ScenarioFile) else ScenarioFile(item)
    scenario = file.scenario
    agenda = scenario.agenda
    document: dict[str, Any] = {"gobetween": FORMAT_VERSION, "name": scenario.name}
    if scenario.description:
        document["description"] = scenario.description
    if scenario.illustrative:
        document["illustrative"] = True
    if file.mediators:
        document["mediators"] = list(file.mediators)
    if scenario.metadata:
        document["metadata"] = dict(scenario.metadata)
    agenda_document: dict[str, Any] = {}
    if agenda.name != "agenda":
        agenda_document["name"] = agenda.name
    agenda_document["issues"] = [_issue_document(issue) for issue in agenda.issues]
    document["agenda"] = agenda_document
    document["parties"] = {
        party: _preferences_document(prefs, agenda) for party, prefs in scenario.preferences.items()
    }
    if file.packages:
        document["packages"] = {name: p.options for name, p in file.packages.items()}
    return document


#: Mappings and lists of scalars at most this long (as text) are written on one line in YAML.
_FLOW_WIDTH = 72


class _FlowMapping(dict[str, Any]):
    """A mapping to write in YAML flow style: ``{a: 1, b: 2}``."""


class _FlowSequence(list[Any]):
    """A list to write in YAML flow style: ``[a, b]``."""


def _short(items: list[Any]) -> bool:
    scalars = all(not isinstance(x, dict | list) for x in items)
    return scalars and sum(len(str(x)) + 4 for x in items) <= _FLOW_WIDTH


def _flowed(value: Any) -> Any:
    """The document with short collections of scalars marked for flow style."""
    if isinstance(value, dict):
        mapping = {key: _flowed(item) for key, item in value.items()}
        flat = [*mapping, *mapping.values()]
        return _FlowMapping(mapping) if mapping and _short(flat) else mapping
    if isinstance(value, list):
        sequence = [_flowed(item) for item in value]
        return _FlowSequence(sequence) if sequence and _short(sequence) else sequence
    return value


def _yaml_dumper() -> type[Any]:
    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[valid-type,misc]  # PyYAML's dumpers are untyped classes
        pass

    Dumper.add_representer(
        _FlowMapping,
        lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True),
    )
    Dumper.add_representer(
        _FlowSequence,
        lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
    )
    return Dumper


def dump_scenario(item: Scenario | ScenarioFile, fmt: Format = "yaml") -> str:
    """The scenario as YAML or JSON text that :func:`loads_scenario_file` reads back equal.

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0}})}, name="tiny")
    >>> loads_scenario(dump_scenario(s, "json"), fmt="json") == s
    True
    """
    document = scenario_document(item)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        body = yaml.dump(
            _flowed(document),
            Dumper=_yaml_dumper(),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
        return "# gobetween scenario, format 1 (JSON Schema: `gobetween schema`)\n" + body
    raise FileFormatError(
        N_("unknown scenario format %(format)r"),
        expected=N_("yaml or json"),
        params={"format": fmt},
    )
