"""YAML and JSON documents that remember where each value was written.

A :class:`Document` is the parsed data plus a map from each path in it (``("parties", "A",
"weights", "ports")``) to the line it starts on, so an error found later (by the JSON Schema or
by the domain model) can name the line. YAML lines come from PyYAML's composed node tree (one
parse: the nodes are composed, then converted here); JSON syntax errors carry the decoder's line
and column, and for other errors in JSON the lines are found when needed, by composing the text
as YAML (which JSON nearly is), falling back to the path alone.

The YAML reader is safe and strict: only the standard tags, no aliases (``*ref`` could expand
into a billion-laughs document), no duplicate keys. Mapping keys are always read as the text
written, so ``{60: 1}`` has the key ``"60"``; and where ``typed`` says a scalar is not a
number, boolean or null position, a plain scalar is read as its text, so option names such as
``yes``, ``60`` or ``2023-07-17`` stay strings.

>>> doc = parse_yaml("a:\\n  b: [1, 2]\\n", source="x.yaml")
>>> doc.data
{'a': {'b': [1, 2]}}
>>> doc.where(("a", "b", 1))
'line 2, a.b[1]'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from gobetween.errors import N_, Count, FileFormatError, Sentence
from gobetween.formats.lazy import lazy_module
from gobetween.formats.schema import Path, render_path

if TYPE_CHECKING:
    import yaml
else:  # PyYAML is imported on first use (start-up time of `analyze`)
    yaml = lazy_module("yaml")

__all__ = ["Document", "parse_json", "parse_yaml"]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Document:
    """Parsed data with the line of each path.

    For JSON, ``text`` is kept and the lines are found only when an error needs one (see
    :func:`json_lines`), so a valid document costs one parse.
    """

    data: Any
    source: str | None
    lines: Mapping[Path, int] = field(default_factory=dict)
    text: str | None = field(default=None, repr=False, compare=False)

    @cached_property
    def _lines(self) -> Mapping[Path, int]:
        if self.lines or self.text is None:
            return self.lines
        return json_lines(self.text).lines

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def where(self, path: Path) -> str:
        """A location naming the line (when known) and the path: ``"line 7, agenda.issues[1]"``."""
        line = self.line(path)
        rendered = render_path(path)
        return f"line {line}, {rendered}" if line is not None else rendered


@dataclass(frozen=True)
class JsonLines:
    """Lines of a JSON text's paths, and the first problem the JSON decoder cannot place."""

    lines: Mapping[Path, int]
    duplicate: tuple[Path, int] | None = None
    constant: tuple[Path, int] | None = None


def json_lines(text: str) -> JsonLines:
    """Find each path's line in JSON text by composing it as YAML (JSON is nearly YAML 1.1).

    Used only on the error path; a text YAML cannot compose (tabs, ``\\/``) gives no lines.

    >>> json_lines('{"a": [1,\\n NaN], "a": 2}').duplicate
    (('a',), 2)
    """
    try:
        node = yaml.compose(text, Loader=_loader_class())
    except (yaml.YAMLError, RecursionError):
        return JsonLines({})
    lines: dict[Path, int] = {}
    duplicates: list[tuple[Path, int]] = []
    constants: list[tuple[Path, int]] = []
    stack: list[tuple[Any, Path]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        line = current.start_mark.line + 1
        lines.setdefault(path, line)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = (*path, str(key.value))
                if child in lines:
                    duplicates.append((child, key.start_mark.line + 1))
                    continue
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(current.value))
        elif not current.style and current.value in ("NaN", "Infinity", "-Infinity"):
            constants.append((path, line))
    first = min(duplicates, key=lambda item: item[1], default=None)
    return JsonLines(lines, first, min(constants, key=lambda item: item[1], default=None))


def _all_typed(path: Path) -> bool:
    return True


def _loader_class() -> type[Any]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Converter:
    """Turn a composed YAML node tree into Python data, recording each path's line."""

    def __init__(self, loader: Any, source: str | None, typed: Callable[[Path], bool]) -> None:
        self.loader = loader
        self.source = source
        self.typed = typed
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()

    def fail(self, node: Any, message: str, expected: str, /, **params: object) -> FileFormatError:
        """The refusal ``message`` (marked :func:`N_`, its values in ``params``) at ``node``."""
        return FileFormatError(
            message,
            source=self.source,
            location=f"line {node.start_mark.line + 1}",
            expected=expected,
            params=params,
        )

    def convert(self, node: Any, path: Path) -> Any:
        if id(node) in self.seen:
            line = self.lines.get(path, node.start_mark.line + 1)
            raise FileFormatError(
                N_("YAML aliases (*name) are not supported"),
                source=self.source,
                location=f"line {line}, {render_path(path)}",
                expected=N_("plain YAML data"),
            )
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self.fail(
                    node, N_("unsupported YAML tag %(tag)s"), N_("a plain list"), tag=node.tag
                )
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: Any, path: Path) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            raise self.fail(
                node, N_("unsupported YAML tag %(tag)s"), N_("a plain mapping"), tag=node.tag
            )
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, N_("a mapping key must be a plain value"), N_("a name"))
            if key_node.value == "<<" and key_node.tag != _STR_TAG:
                raise self.fail(
                    key_node, N_("YAML merge keys (<<) are not supported"), N_("plain YAML")
                )
            key = str(key_node.value)
            if key in result:
                raise self.fail(
                    key_node,
                    N_("duplicate key %(key)r in %(where)s"),
                    N_("each key once in a mapping"),
                    key=key,
                    where=render_path(path),
                )
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, (*path, key))
        return result

    def scalar(self, node: Any, path: Path) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.fail(
                node,
                N_("cannot read this value: %(reason)s"),
                N_("a plain YAML value"),
                reason=str(exc),
            ) from None
        except ValueError:  # an integer longer than Python converts (4,300 digits)
            raise self.fail(
                node,
                N_("a number with %(count)s characters"),
                _SHORT_NUMBER,
                count=Count(len(str(node.value))),
            ) from None
        if not self.typed(path) and not node.style and value is not None:
            return str(node.value)
        return value


def parse_yaml(
    text: str, *, source: str | None = None, typed: Callable[[Path], bool] = _all_typed
) -> Document:
    """Parse one YAML document; syntax errors name the line and column."""
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FileFormatError(
                N_("the document is empty (only comments or blank lines)"),
                source=source,
                expected=N_("a YAML mapping"),
            )
        converter = _Converter(loader, source, typed)
        data = converter.convert(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise FileFormatError(
            N_("the YAML cannot be parsed: %(problem)s"),
            source=source,
            location=location,
            expected=N_("valid YAML"),
            params={"problem": problem},
        ) from None
    except yaml.YAMLError as exc:
        raise FileFormatError(
            N_("the YAML cannot be parsed: %(exc)s"),
            source=source,
            expected=N_("valid YAML"),
            params={"exc": exc},
        ) from None
    except RecursionError:
        raise FileFormatError(
            N_("the YAML is nested too deeply"), source=source, expected=N_("a scenario document")
        ) from None
    finally:
        loader.dispose()
    return Document(data, source, converter.lines)


_SHORT_NUMBER = N_("a number of at most 4,300 digits")
_LONG_DIGITS = re.compile(r"\d{4301,}")


def _too_long(text: str, source: str | None) -> FileFormatError:
    """The error for a JSON integer Python refuses to convert, at its line."""
    found = _LONG_DIGITS.search(text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    digits = len(found.group(0)) if found else 0
    return FileFormatError(
        N_("a number with %(digits)s digits"),
        source=source,
        location=f"line {line}" if line else None,
        expected=_SHORT_NUMBER,
        params={"digits": Count(digits)},
    )


class _Refused(Exception):
    """A JSON value the decoder accepts but gobetween does not (duplicate key, NaN)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Refused


def _refusal(text: str, source: str | None) -> FileFormatError:
    found = json_lines(text)
    if found.duplicate is not None:
        path, line = found.duplicate
        inside = render_path(path[:-1]) if path[:-1] else Sentence(N_("top level"))
        return FileFormatError(
            N_("duplicate key %(key)r in %(inside)s"),
            source=source,
            location=f"line {line}, {render_path(path)}",
            expected=N_("each key once in an object"),
            params={"key": path[-1], "inside": inside},
        )
    if found.constant is not None:
        path, line = found.constant
        return FileFormatError(
            N_("NaN and Infinity are not JSON numbers"),
            source=source,
            location=f"line {line}, {render_path(path)}",
            expected=N_("a finite number"),
        )
    return FileFormatError(
        N_("the JSON has a duplicate key, NaN or Infinity"),
        source=source,
        expected=N_("each key once in an object, and finite numbers"),
    )


def parse_json(text: str, *, source: str | None = None) -> Document:
    """Parse JSON; errors name the line (and column or path); duplicates and NaN are refused.

    >>> parse_json('{"a": {"b": 1}}').data
    {'a': {'b': 1}}
    >>> parse_json('{"a": 1,\\n "a": 2}', source="x.json")
    Traceback (most recent call last):
    ...
    gobetween.errors.FileFormatError: x.json, line 2, a: duplicate key 'a' in top level ...
    """
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            N_("the JSON cannot be parsed: %(msg)s"),
            source=source,
            location=f"line {exc.lineno}, column {exc.colno}",
            expected=N_("valid JSON"),
            params={"msg": exc.msg},
        ) from None
    except _Refused:
        raise _refusal(text, source) from None
    except RecursionError:
        raise FileFormatError(
            N_("the JSON is nested too deeply"), source=source, expected=N_("a scenario document")
        ) from None
    except ValueError:  # an integer longer than Python converts (4,300 digits)
        raise _too_long(text, source) from None
    return Document(data, source, text=text)
