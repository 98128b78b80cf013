"""Issue 12: no new English-only refusal in the core a user can reach.

A refusal of the core is marked where it is written (``errors.N_``, its values in ``params``) so
that the service can say it in the caller's language. An f-string message cannot be translated:
it is already filled in. This test reads the core modules a user reaches (through the API, a
page, an upload or the CLI) and fails on an f-string ``raise`` that is not in the list below of
internal checks no input reaches, each with why; the refusals written over several lines that
are still f-strings may only become fewer (:data:`PENDING`, per file). The same list, with the
count, is in docs/dev/i18n.md ("Still in English").
"""

from __future__ import annotations

import ast
import collections
from pathlib import Path

import gobetween

PACKAGE = Path(gobetween.__file__).parent

#: The core modules a user's input reaches (analysis/ and rehearsal/ are being rewritten by
#: another lane and checked apart; store/ answers NotFound, which the service words alone).
SCOPE = ("model", "protocols", "agreements", "monitoring", "formats")
FILES = ("policy.py", "wire.py", "analysis/frontier.py", "analysis/space.py")

STORED = "a stored event read back: written by the core itself, never typed by a user"
SERVICE = "the service builds this from its own rows; no request can make it otherwise"
SCHEMA = "the API's schema refuses such a value before the core sees it"
CODE = "declared in code (a registry or a table), not by a user"
HIDDEN = "a NotFound: the service answers every one with the same translated sentence"

#: The one-line f-string raises left in English on purpose: (module, message with ``{}`` for
#: each value) -> why no user input reaches it.
ALLOWED = {
    ("model/agenda.py", "issue {} is not an Issue but {}"): "a Python type check of a caller",
    ("protocols/_common.py", "the {}s must be a sequence of names, got {}"): SERVICE,
    ("protocols/_common.py", "the {}s of a track must have distinct names, got {}"): SERVICE,
    ("protocols/_common.py", "a {} name must be a non-empty string, got {}"): SERVICE,
    ("protocols/_common.py", "{} is not a {} of this track (its {}s: {})"): SERVICE,
    ("protocols/_common.py", "the event has no field {}"): STORED,
    ("protocols/_common.py", "field {} is a boolean"): STORED,
    ("protocols/_common.py", "field {} is {}"): STORED,
    ("protocols/_common.py", "the stored package does not fit the agenda: {}"): STORED,
    ("protocols/blind_bidding.py", "stored bid for round {} is out of order"): STORED,
    ("protocols/blind_bidding.py", "stored round {} resolved without both bids"): STORED,
    ("protocols/blind_bidding_release.py", "stored release of round {} is out of order"): STORED,
    ("protocols/relay.py", "stored {} {} does not follow {} {}"): STORED,
    ("protocols/registry.py", "a protocol name is 1 to {} letters, digits or _: {}"): CODE,
    ("protocols/registry.py", "a protocol named {} is already registered"): CODE,
    ("protocols/registry.py", "{} declares actions another protocol has: {}"): CODE,
    ("protocols/registry.py", "{} declares live-update kinds already taken: {}"): CODE,
    ("protocols/registry.py", "no protocol {} (registered: {})"): CODE,
    ("protocols/relay.py", "{} cannot be both party and mediator"): SERVICE,
    ("protocols/single_text.py", "{} cannot be both party and mediator"): SERVICE,
    ("protocols/relay.py", "an offer number must be an int, got {}"): SCHEMA,
    ("protocols/single_text.py", "a version number must be an int, got {}"): SCHEMA,
    ("protocols/single_text.py", "the answer kind must be an AnswerKind, got {}"): SCHEMA,
    ("agreements/bundle.py", "bad attachment name {}"): CODE,
    ("agreements/lifecycle.py", "time runs backwards: {} is before the last event"): SERVICE,
    ("agreements/lifecycle.py", "the instrument of {} must be signed by {}"): SERVICE,
    ("agreements/terms.py", "cannot canonicalise a {}: {}"): "JSON values always canonicalise",
    ("agreements/terms.py", "canonical JSON needs string keys, got {}"): "JSON keys are text",
    ("monitoring/figures.py", "{} has no column {}: {}"): "a KeyError: a column the code names",
    ("monitoring/kinds.py", "a record kind {} is already registered"): CODE,
    ("monitoring/kinds.py", "choice field {} has no choices"): CODE,
    ("monitoring/kinds.py", "field {} happened but is no date"): CODE,
    ("monitoring/kinds.py", "party field {} is not text"): CODE,
    ("monitoring/kinds.py", "kind {} repeats a field name"): CODE,
    ("formats/examples/__init__.py", "no bundled example {}; there are: {}"): HIDDEN,
    ("formats/lazy.py", "no module named {}"): "an ImportError of an optional dependency",
    ("wire.py", "{}: no wire form for {}; declare one with codec()"): "a TypeError at import",
    ("wire.py", "{} must be a timezone-aware datetime, got {}"): SERVICE,
    ("analysis/frontier.py", "tol must be a finite number >= 0, got {}"): "a caller's argument",
    ("analysis/frontier.py", "frontier point {} out of range 0..{}"): "an IndexError",
    ("analysis/frontier.py", "limit must be >= 0, got {}"): "a caller's argument",
}

#: f-string raises written over several lines, not marked yet: at most this many per module.
PENDING = {
    "monitoring/kinds.py": 1,  # a kind declared in code names an unknown field
    "protocols/_common.py": 1,  # a stored clause read back
    "protocols/single_text.py": 2,  # stored events read back
}


def _modules() -> list[Path]:
    found = [path for folder in SCOPE for path in sorted((PACKAGE / folder).rglob("*.py"))]
    return found + [PACKAGE / name for name in FILES]


def _shape(message: ast.JoinedStr) -> str:
    return "".join(
        "{}" if isinstance(part, ast.FormattedValue) else str(getattr(part, "value", ""))
        for part in message.values
    )


def f_string_raises() -> tuple[list[tuple[str, str]], collections.Counter[str]]:
    """The one-line f-string raises of the scope as (module, shape), and how many are written
    over several lines in each module."""
    one_line: list[tuple[str, str]] = []
    several: collections.Counter[str] = collections.Counter()
    for path in _modules():
        name = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            message = node.exc.args[0] if node.exc.args else None
            if isinstance(message, ast.BinOp):  # f"..." + ", ".join(...)
                message = message.left
            if not isinstance(message, ast.JoinedStr):
                continue
            if message.lineno == node.lineno:
                one_line.append((name, _shape(message)))
            else:
                several[name] += 1
    return one_line, several


def test_no_one_line_f_string_refusal_outside_the_documented_list() -> None:
    one_line, _ = f_string_raises()
    assert len(one_line) > 20  # the scan sees them at all
    unmarked = [f"{name}: {shape}" for name, shape in one_line if (name, shape) not in ALLOWED]
    assert unmarked == [], (
        "mark these with errors.N_ and params (docs/dev/i18n.md), or add them to ALLOWED "
        "with why no user input reaches them"
    )


def test_the_refusals_written_over_several_lines_only_become_fewer() -> None:
    _, several = f_string_raises()
    grown = {
        name: (n, PENDING.get(name, 0)) for name, n in several.items() if n > PENDING.get(name, 0)
    }
    assert grown == {}, "a new f-string refusal (found, allowed): mark it with errors.N_"


def test_the_documented_count_is_the_true_one() -> None:
    one_line, several = f_string_raises()
    text = (PACKAGE.parents[1] / "docs" / "dev" / "i18n.md").read_text(encoding="utf-8")
    assert f"{len(one_line)} one-line f-string raises" in text
    assert f"{sum(several.values())} written over several lines" in text


def _words(message: ast.JoinedStr) -> str:
    """The literal text of an f-string, without its values (``f"{source} [{name}]"``: " [")."""
    return "".join(
        str(getattr(part, "value", "")) for part in message.values if isinstance(part, ast.Constant)
    )


def test_no_f_string_refusal_through_a_helper() -> None:
    """``raise _fail(xml, element, f"...")``: a helper that builds the error hides an f-string
    message from the scan above (Genius XML, YAML scenarios and the record's events were worded
    so); such a message is marked ``N_`` with its values as the helper's keywords."""
    hidden = []
    for path in _modules():
        name = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            for arg in node.exc.args[1:]:
                if isinstance(arg, ast.JoinedStr) and any(c.isalpha() for c in _words(arg)):
                    hidden.append(f"{name}:{node.lineno}: {_shape(arg)}")
    assert hidden == [], "mark these with errors.N_ and pass the values as params"


#: ``expected`` words that are a notation, the same in every language.
NOTATIONS = {"XML", "YYYY-MM-DD", "2022-09-01T12:00:00+00:00", "c0 v0 c1 v1 c2 v2 YOU:|THEM: ..."}

#: ``expected`` words built with an f-string or ``+`` (a limit, a list of names), not marked
#: yet: at most this many in the scope (docs/dev/i18n.md, "Still in English").
EXPECTED_BUILT = 1  # monitoring/kinds.py: a kind declared in code


def _expected_words() -> tuple[list[str], list[str]]:
    """The scope's ``expected=`` values: plain English not marked ``N_``, and built ones."""
    plain, built = [], []
    for path in _modules():
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith("analysis/"):  # being rewritten by another lane
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.keyword) and node.arg == "expected"):
                continue
            value = node.value
            if isinstance(value, ast.JoinedStr | ast.BinOp):
                built.append(f"{name}:{value.lineno}")
            elif (
                isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and any(c.isalpha() for c in value.value)
                and value.value not in NOTATIONS
            ):
                plain.append(f"{name}:{value.lineno}: {value.value}")
    return plain, built


def test_the_expected_words_of_the_core_are_marked() -> None:
    plain, built = _expected_words()
    assert plain == [], "mark these expected words with errors.N_"
    assert len(built) <= EXPECTED_BUILT, "a new expected built of English: use N_ and params"
