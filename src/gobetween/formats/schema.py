"""The JSON Schema of the gobetween scenario format (version 1), and validation against it.

The schema is written here as data; ``scenario.schema.json`` beside this module is the same
schema as a file for other tools (a test checks that the two agree; ``gobetween schema``
prints it). Each leaf's ``description`` says what is expected there, and validation errors
reuse it, so the schema is also the source of the error messages' "expected ..." part.

>>> schema = scenario_json_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> sorted(schema["required"])
['agenda', 'gobetween', 'parties']
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gobetween.errors import N_, FileFormatError, Sentence
from gobetween.model import MAX_BONUSES, Settles

__all__ = ["FORMAT_VERSION", "SCHEMA_ID", "scenario_json_schema", "schema_errors"]

#: The version number a scenario file declares with ``gobetween: 1``.
FORMAT_VERSION = 1
SCHEMA_ID = "urn:gobetween:schema:scenario:1"

Path = tuple[str | int, ...]

#: The one description with a value in it (said again with its value when it is expected).
_BONUSES = N_("a list of at most %(limit)s bonuses")

_NAME = {"type": "string", "pattern": r"\S", "description": N_("a non-empty name")}
_NUMBER = {"type": "number", "description": N_("a number")}
_CONDITION = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {"type": "string", "description": N_("an option name of that issue")},
    "description": N_("a mapping of issue name to option name, with at least one entry"),
}

_BOX = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {
        "description": N_("an option name of that issue, or a list of them"),
        "oneOf": [
            {"type": "string", "description": N_("an option name of that issue")},
            {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "description": N_("an option name of that issue")},
                "description": N_("a list of option names of that issue"),
            },
        ],
    },
    "description": N_("a mapping of issue name to the options that count, with at least one entry"),
}

_LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_WORDING = {
    "type": "object",
    "propertyNames": {"pattern": _LANGUAGE_PATTERN},
    "additionalProperties": {
        "type": "string",
        "pattern": r"\S",
        "description": N_("the clause's text in that language"),
    },
    "description": N_("the clause this option puts into the text, per language code (en, uk, ...)"),
}


def _names(of: str, each: str = N_("the name in that language")) -> dict[str, Any]:
    """A text per language code (an issue's or an option's name, an issue's description):
    ``of`` says what the mapping is, ``each`` what one entry is."""
    return {
        "type": "object",
        "propertyNames": {"pattern": _LANGUAGE_PATTERN},
        "additionalProperties": {"type": "string", "pattern": r"\S", "description": each},
        "description": of,
    }


_OPTION = {
    "description": N_("an option: its name, or {name, label, value, wording, names}"),
    "oneOf": [
        _NAME,
        {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": _NAME,
                "label": {"type": "string", "description": N_("a label to show people")},
                "value": {**_NUMBER, "description": N_("the number this option stands for")},
                "wording": _WORDING,
                "names": _names(
                    N_("what readers of other languages see for the option, per language code")
                ),
            },
        },
    ],
}

_ISSUE = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "description": N_("an issue with either `options` (a list) or `range` ({low, high, step})"),
    "oneOf": [{"required": ["options"]}, {"required": ["range"]}],
    "properties": {
        "name": {**_NAME, "description": N_("the issue's name, unique on the agenda")},
        "description": {"type": "string", "description": N_("a sentence about the issue")},
        "unit": {"type": "string", "description": N_("the unit of the values, e.g. days")},
        "names": _names(N_("what readers of other languages see for the issue, per language code")),
        "descriptions": _names(
            N_("the description in other languages, per language code"),
            N_("the description in that language"),
        ),
        "units": _names(
            N_("the unit in other languages, per language code"), N_("the unit in that language")
        ),
        "settles": {
            "enum": [rule.value for rule in Settles],
            "description": N_(
                "the rule of the agreement this issue's article sets: term (days), renewal, "
                "notice (days), entry_into_force or linked_instruments"
            ),
        },
        "kind": {
            "enum": ["discrete", "integer", "real"],
            "description": N_("one of discrete, integer, real"),
        },
        "options": {
            "type": "array",
            "minItems": 1,
            "items": _OPTION,
            "description": N_("a non-empty list of options"),
        },
        "range": {
            "type": "object",
            "required": ["low", "high", "step"],
            "additionalProperties": False,
            "description": N_("a range {low, high, step} discretised from low to high"),
            "properties": {
                "low": {**_NUMBER, "description": N_("the lowest value, a number")},
                "high": {**_NUMBER, "description": N_("the highest value, a number >= low")},
                "step": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": N_("the step between values, a number > 0"),
                },
            },
        },
    },
}

_PARTY = {
    "type": "object",
    "required": ["weights", "ratings"],
    "additionalProperties": False,
    "description": N_("a party's preferences: weights, ratings and optional parts"),
    "properties": {
        "scale": {
            "type": "array",
            "prefixItems": [_NUMBER, _NUMBER],
            "minItems": 2,
            "maxItems": 2,
            "description": N_("the rating scale as [low, high], e.g. [0, 10]"),
        },
        "weights": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "number",
                "minimum": 0,
                "description": N_("a weight, a number >= 0"),
            },
            "description": N_("a mapping of issue name to weight (numbers >= 0)"),
        },
        "ratings": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {
                    "type": "number",
                    "description": N_("a rating on the party's scale, a number"),
                },
                "description": N_("a mapping of option name to rating"),
            },
            "description": N_("a mapping of issue name to {option name: rating}"),
        },
        "reservation": {
            "type": "number",
            "description": N_("the utility of no agreement, a number (usually in [0, 1])"),
        },
        "red_lines": {
            "type": "array",
            "items": {
                **_CONDITION,
                "description": N_("a red line: {issue: option, ...} never accepted together"),
            },
            "description": N_("a list of red lines, each {issue: option, ...}"),
        },
        "interactions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["when", "bonus"],
                "additionalProperties": False,
                "description": N_("an interaction {when: {issue: option, ...}, bonus: number}"),
                "properties": {
                    "when": _CONDITION,
                    "bonus": {
                        **_NUMBER,
                        "description": N_("a bonus (or penalty if < 0), a number"),
                    },
                },
            },
            "description": N_("a list of interactions"),
        },
        "bonuses": {
            "type": "array",
            "maxItems": MAX_BONUSES,
            "items": {
                "type": "object",
                "required": ["when", "bonus"],
                "additionalProperties": False,
                "description": N_(
                    "a bonus {when: {issue: [option, ...], ...}, bonus: number}: the bonus is "
                    "added when the package picks one of the listed options on every issue named"
                ),
                "properties": {
                    "when": _BOX,
                    "bonus": {
                        **_NUMBER,
                        "description": N_("what the package is then worth more (< 0: less)"),
                    },
                },
            },
            "description": _BONUSES % {"limit": MAX_BONUSES},
        },
        "discount": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "description": N_("a discount factor in (0, 1]"),
        },
    },
}

_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "gobetween scenario",
    "description": N_(
        "a gobetween scenario: a mapping with gobetween: 1, an agenda of issues with options, "
        "each party's preferences, and optionally named packages"
    ),
    "type": "object",
    "required": ["gobetween", "agenda", "parties"],
    "additionalProperties": False,
    "properties": {
        "gobetween": {"const": FORMAT_VERSION, "description": N_("the format version, 1")},
        "name": {**_NAME, "description": N_("the scenario's name")},
        "description": {"type": "string", "description": N_("a description of the scenario")},
        "illustrative": {
            "type": "boolean",
            "description": N_("true when the preferences are made up for illustration"),
        },
        "mediators": {
            "type": "array",
            "items": _NAME,
            "uniqueItems": True,
            "description": N_("a list of the mediators' names"),
        },
        "metadata": {
            "type": "object",
            "additionalProperties": {"type": "string", "description": N_("a string")},
            "description": N_("a mapping of string keys to string values"),
        },
        "agenda": {
            "type": "object",
            "required": ["issues"],
            "additionalProperties": False,
            "description": N_("the agenda: {name, issues}"),
            "properties": {
                "name": {**_NAME, "description": N_("the agenda's name")},
                "issues": {
                    "type": "array",
                    "minItems": 1,
                    "items": _ISSUE,
                    "description": N_("a non-empty list of issues"),
                },
            },
        },
        "parties": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": r"\S"},
            "additionalProperties": _PARTY,
            "description": N_("a mapping of party name to preferences, with at least one party"),
        },
        "packages": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "string", "description": N_("an option name")},
                "description": N_("a package: {issue: option} for every issue"),
            },
            "description": N_("a mapping of package name (e.g. 'status quo') to package"),
        },
    },
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the scenario format, as a fresh dict.

    >>> scenario_json_schema()["properties"]["gobetween"]["const"]
    1
    """
    return copy.deepcopy(_SCHEMA)


def render_path(path: Sequence[str | int]) -> str:
    """``("parties", "A", "weights")`` -> ``"parties.A.weights"``; indices as ``[i]``.

    >>> render_path(("agenda", "issues", 2, "options", 0))
    'agenda.issues[2].options[0]'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or N_("top level")


_TYPE_NAMES = {
    "object": N_("a mapping"),
    "array": N_("a list"),
    "string": N_("a string"),
    "number": N_("a number"),
    "integer": N_("an integer"),
    "boolean": N_("true or false"),
    "null": N_("nothing"),
}


def _type_said(kind: object) -> Sentence:
    """A JSON type's phrase, or several joined with "or", as a :class:`Sentence` (translated
    later).

    >>> str(_type_said(["string", "array", "null"]))
    'a string or a list or nothing'
    """
    kinds = kind if isinstance(kind, list) else [kind]
    said = [
        Sentence(_TYPE_NAMES[str(k)]) if str(k) in _TYPE_NAMES else Sentence(str(k)) for k in kinds
    ]
    phrase = said[0]
    for other in said[1:]:
        phrase = Sentence(N_("%(first)s or %(second)s"), {"first": phrase, "second": other})
    return phrase


def _said(description: str | None) -> Sentence | None:
    """A schema description as a :class:`Sentence` (translated where it is shown)."""
    if description is None:
        return None
    if description == _BONUSES % {"limit": MAX_BONUSES}:
        return Sentence(_BONUSES, {"limit": MAX_BONUSES})
    return Sentence(description)


def _literal(text: str | None) -> str | None:
    """``text`` (a schema description) kept as it is when filled with a refusal's values."""
    return text.replace("%", "%%") if text else text


#: A mapping or list is named by its kind, not shown whole (the words Python gives them).
_CONTAINERS = {"dict": N_("dict"), "list": N_("list")}


def _shown(instance: object) -> object:
    if isinstance(instance, dict | list):
        return Sentence(_CONTAINERS[type(instance).__name__])
    return repr(instance)


Described = tuple[str, str | None, Path] | tuple[str, str | None, Path, dict[str, object]]


def _describe(error: Any) -> Described:
    """Message, expected and path (relative to the document) of one jsonschema error; with
    values, the message and expected are templates marked ``N_`` (values last)."""
    path: Path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    expected = schema.get("description")
    instance = error.instance
    validator = error.validator
    if validator == "required":
        missing = next(name for name in error.validator_value if name not in instance)
        about = schema.get("properties", {}).get(missing, {}).get("description")
        values: dict[str, object] = {"key": missing, "about": _said(about)}
        if about is None and error.parent is not None:
            parent = _literal(error.parent.schema.get("description"))
            return N_("missing %(key)r"), parent, path, values
        wanted = N_("a %(key)r entry: %(about)s") if about else N_("a %(key)r entry")
        return N_("missing %(key)r"), wanted, path, values
    if validator == "additionalProperties" and schema.get("additionalProperties") is False:
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(instance) - set(allowed))
        return (
            N_("unknown key %(key)r"),
            N_("one of %(choices)s"),
            (*path, extra[0]),
            {"key": extra[0], "choices": ", ".join(allowed)},
        )
    if validator == "type":
        values = {"value": _shown(instance), "kind": _type_said(error.validator_value)}
        return N_("%(value)s is not %(kind)s"), _literal(expected), path, values
    branches = schema.get("oneOf", [])
    if validator == "oneOf" and all(set(b) == {"required"} for b in branches):
        keys = [b["required"][0] for b in branches]
        present = [k for k in keys if isinstance(instance, dict) and k in instance]
        if len(present) == 2:
            values = {"first": present[0], "second": present[1]}
            return N_("has both %(first)r and %(second)r"), _literal(expected), path, values
        if present:
            values = {"keys": ", ".join(repr(k) for k in present)}
            return N_("has more than one of %(keys)s"), _literal(expected), path, values
        values = {"keys": ", ".join(repr(k) for k in keys)}
        return N_("has none of %(keys)s"), _literal(expected), path, values
    if validator in ("oneOf", "anyOf") and all("type" in b for b in branches):
        kinds = [
            k for b in branches for k in (b["type"] if isinstance(b["type"], list) else [b["type"]])
        ]
        values = {"value": _shown(instance), "kind": _type_said(kinds)}
        return N_("%(value)s is not %(kind)s"), _literal(expected), path, values
    if validator in ("oneOf", "anyOf"):
        return N_("this does not have the expected shape"), expected, path
    if validator == "const":
        values = {"value": instance}
        return N_("%(value)r is not supported"), _literal(expected), path, values
    if validator == "minProperties" and instance == {}:
        return N_("this mapping is empty"), expected, path
    if validator == "minItems" and instance == []:
        return N_("this list is empty"), expected, path
    if validator == "pattern" and error.validator_value == _LANGUAGE_PATTERN:
        values = {"value": instance}
        code = N_("a language code such as en or uk")
        return N_("%(value)r is not a language code"), code, path, values
    if validator == "pattern":
        return N_("%(value)r is blank"), _literal(expected), path, {"value": instance}
    if validator == "propertyNames":
        return N_("a name is blank"), N_("non-empty names"), path
    return _bounded(error, _literal(expected), path)


#: A bound the schema sets, said as jsonschema says it in English (so English is unchanged).
_BOUNDS = {
    "minimum": N_("%(value)r is less than the minimum of %(limit)r"),
    "exclusiveMinimum": N_("%(value)r is less than or equal to the minimum of %(limit)r"),
    "maximum": N_("%(value)r is greater than the maximum of %(limit)r"),
    "exclusiveMaximum": N_("%(value)r is greater than or equal to the maximum of %(limit)r"),
    "minItems": N_("%(value)s is too short"),
    "maxItems": N_("%(value)s is too long"),
    "uniqueItems": N_("%(value)s has non-unique elements"),
    "enum": N_("%(value)r is not one of %(limit)r"),
}


def _bounded(error: Any, expected: str | None, path: Path) -> Described:
    """A bound the value passes (a number, a list's length, repeated items, a closed list),
    or any other refusal of the schema, framed with jsonschema's own words quoted."""
    template = _BOUNDS.get(str(error.validator))
    if template is None:
        values: dict[str, object] = {"detail": str(error.message)}
        return N_("the schema refuses this value: %(detail)s"), expected, path, values
    instance = error.instance
    shown = instance if "%(value)r" in template else repr(instance)
    return template, expected, path, {"value": shown, "limit": error.validator_value}


def schema_errors(
    document: object, *, where: Callable[[Path], str], source: str | None
) -> FileFormatError | None:
    """The first (most relevant) schema violation as a located error, or None.

    ``where`` renders a document path as a location (adding the line where known).
    """
    import jsonschema  # type: ignore[import-untyped]  # no stubs installed; used in 3 lines

    validator = jsonschema.Draft202012Validator(_SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return None
    message, expected, path, *values = _describe(error)
    params = dict(values[0]) if values else {}
    if expected == _BONUSES % {"limit": MAX_BONUSES}:
        expected = _BONUSES
        params["limit"] = MAX_BONUSES
    return FileFormatError(
        message,
        source=source,
        location=where(path),
        expected=expected,
        params=params or None,
    )
