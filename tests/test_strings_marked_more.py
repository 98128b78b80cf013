"""Every refusal a person reads is marked for translation, outside the service and the pages too.

``tests/test_catalogs.py`` checks the raises of ``service/`` (and the templates and scripts),
``tests/cli/test_cli_strings_marked.py`` what the command line prints, and
``tests/service/test_refusals_marked_i18n.py`` the f-string refusals of the protocols, the
agreements, the joint record and the policy. This test reads the other modules of
``src/gobetween`` (the batch tournaments, the store, the formats, the model, the analysis, the
rehearsals, the CLI's raises, ``errors.py`` itself) and fails where a
gobetween error (a class of :mod:`gobetween.errors` or one derived from it) or a click error is
made with English words that are not marked: a plain or f-string message, or ``expected=``
words, outside ``_()``/``N_()`` and the like (docs/dev/i18n.md). Such a refusal reaches a
person in English whatever their language: ``gobetween tournament --out results.txt`` said
"unknown results format" to a Ukrainian reader.

It also reads every module, ``web/`` and ``service/`` included, for refusals that are no error
object: words added to a list, set or mapping of errors or problems that a page shows
(``errors.append(f"{what}: “{raw}” is not a number.")`` in ``web/prefs_form.py`` said so in
English to every reader: the raise-only scan above, and the service's, never looked at it).

Left in English, each with why, in :data:`ALLOWED`; :data:`PENDING` listed the ones in modules
other helpers were changing when this test was written (4 December 2026), which may only
become fewer: it is empty since the analysis's were marked that day.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gobetween
from gobetween import errors

PACKAGE = Path(gobetween.__file__).parent
#: Checked by their own tests: the service (test_catalogs.py), the pages
#: (tests/web/test_*_i18n.py) and the core that the service steps (the f-string refusals,
#: tests/service/test_refusals_marked_i18n.py, which allows its internal checks by name).
ELSEWHERE = (
    "service/",
    "web/",
    "store/migrations/",
    "protocols/",
    "agreements/",
    "monitoring/",
    "policy.py",
    "wire.py",
)
WORDS = re.compile(r"[^\W\d_]{2,}")
MARKERS = {"_", "N_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext"}
#: Click's errors a person reads (``Refused`` is the CLI's own).
CLICK_ERRORS = {"ClickException", "UsageError", "BadParameter", "FileError", "Refused"}
#: Error classes whose message is not their first argument: where it is (None: none given).
MESSAGE_AT: dict[str, int | None] = {
    "OutcomeSpaceTooLarge": 2,  # (size, limit, reason)
    "FrontierTooLarge": None,  # (what, count, limit, step, issues): worded in errors.py
    "AuditChainBroken": 1,  # (sequence, reason)
}

OPERATOR = "an operator's setting or installation (ConfigurationError), English on purpose"
CALLER = "a Python caller's type or argument check: no user input reaches it"

NOTATION = "a notation, the same in every language"
REFERENCE = "a reference frontier of the benchmarks (tests, docs/benchmarks.md), no user's file"

#: Unmarked on purpose: (module, the literal words) -> why.
ALLOWED = {
    ("store/db.py", "cannot read the database URL : "): OPERATOR,
    ("store/db.py", "unsupported database  in : use sqlite:///path or postgresql://..."): OPERATOR,
    (
        "formats/instrument_pdf.py",
        "the DejaVu fonts for PDF rendering were not found: matplotlib (a dependency of "
        "gobetween) is missing or incomplete; reinstall gobetween",
    ): OPERATOR,
    (
        "formats/instrument_pdf.py",
        "the Arabic font for PDF rendering (gobetween/formats/fonts) is missing; reinstall "
        "gobetween",
    ): OPERATOR,
    ("formats/agreement_spec.py", "YYYY-MM-DD"): NOTATION,
    ("formats/dealornodeal.py", "c0 v0 c1 v1 c2 v2 YOU:|THEM: ..."): NOTATION,
    ("formats/reading.py", "XML"): NOTATION,
    ("formats/examples/__init__.py", "no bundled example ; there are: "): (
        "a NotFound of a name written in code (the bundled examples)"
    ),
    ("model/agenda.py", "issue  is not an Issue but "): CALLER,
    ("model/package.py", "packages of different agendas cannot be compared"): CALLER,
    ("model/scenario.py", "a scenario needs an Agenda"): CALLER,
    (
        "analysis/frontier.py",
        "this utility space ignores interactions or red lines that couple issues; call "
        "pareto_frontier(scenario) to analyse the scenario by exact enumeration",
    ): CALLER,
    ("analysis/improvements.py", "the package belongs to another agenda than the scenario"): (
        CALLER
    ),
    ("analysis/milp_program.py", "no party to analyse"): CALLER,
    ("analysis/milp_program.py", "the profiles are on different agendas"): CALLER,
    (
        "analysis/bonus_frontier.py",
        "the exact solver for bonuses takes two or more parties and a bonus",
    ): CALLER,
    (
        "analysis/solutions.py",
        "the disagreement point must give one finite utility per party (), got ",
    ): CALLER,
    (
        "analysis/reference.py",
        ": expected at least one row of finite utilities, one column per party",
    ): REFERENCE,
    (
        "analysis/reference.py",
        "the reference frontier has  utilities per point, gobetween's ",
    ): REFERENCE,
    ("analysis/space.py", "a 2-d array (options, parties) with at least one option"): CALLER,
    ("analysis/space.py", "shape (,)"): CALLER,
}

#: Not marked yet: (module, the literal words) -> why; this list may only become shorter (the
#: last ones, in analysis/interdependent.py and milp.py, were marked on 4 December 2026).
PENDING: dict[tuple[str, str], str] = {}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    """The module's own constants (``_EXPECTED = "..."``), by name."""
    return {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant | ast.JoinedStr)
    }


def _literal(node: ast.expr | None, constants: dict[str, ast.expr] | None = None) -> str | None:
    """The English words a message expression carries unmarked (``{}``-less, values dropped),
    or None when it has none: a marked call, a value, a literal without letters. A name of one
    of the module's ``constants`` is read as its value."""
    if isinstance(node, ast.Name) and constants and node.id in constants:
        return _literal(constants[node.id])
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if WORDS.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(str(p.value) for p in node.values if isinstance(p, ast.Constant))
        return text if WORDS.search(text) else None
    if isinstance(node, ast.BinOp):  # "..." + x, or "..." % values (the values are no words)
        left = _literal(node.left, constants)
        right = None if isinstance(node.op, ast.Mod) else _literal(node.right, constants)
        return left if left is not None else right
    if isinstance(node, ast.IfExp):
        return _literal(node.body, constants) or _literal(node.orelse, constants)
    return None


def error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """The names of gobetween's errors: the tree of :mod:`gobetween.errors` and every class
    the modules derive from one of them."""
    known = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.GobetweenError)
    }
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in known
                    and any(_name(base) in known for base in node.bases)
                ):
                    known.add(node.name)
                    grown = True
    return known


def unmarked_refusals(trees: dict[str, ast.Module]) -> list[tuple[str, str, int]]:
    """(module, words, line) for each error made with unmarked English words."""
    classes = error_classes(trees) | CLICK_ERRORS
    found = []
    for module, tree in trees.items():
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            shown: list[ast.expr] = []
            if name in classes:
                at = MESSAGE_AT.get(name, 0)
                if at is not None and len(node.args) > at:
                    shown.append(node.args[at])
                shown += [k.value for k in node.keywords if k.arg in ("message", "expected")]
            elif name == "__init__" and module == "errors.py" and node.args:
                shown.append(node.args[0])  # a class of the tree wording its own message
            for value in shown:
                words = _literal(value, constants)
                if words is not None:
                    found.append((module, words, value.lineno))
    return found


#: A collection a person reads refusals from, by its name (``errors``, ``field_errors``,
#: ``problems``, ``self.warnings``).
COLLECTED = re.compile(r"error|problem|refus|warning", re.IGNORECASE)
ADDING = {"append", "add", "insert", "extend", "setdefault"}


def _collection(node: ast.expr) -> str:
    """The name of the list, set or mapping ``node`` is (``errors``, ``self.problems``)."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def unmarked_collected(trees: dict[str, ast.Module]) -> list[tuple[str, str, int]]:
    """(module, words, line) for each refusal put with unmarked English words into a
    collection of errors or problems: ``errors.append("...")``, ``problems["x"] = f"..."``."""
    found = []
    for module, tree in trees.items():
        constants = _constants(tree)
        for node in ast.walk(tree):
            value: ast.expr | None = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ADDING
                and COLLECTED.search(_collection(node.func.value))
                and node.args
            ):
                value = node.args[-1]
            elif isinstance(node, ast.Assign | ast.AugAssign):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if isinstance(target, ast.Subscript) and COLLECTED.search(
                    _collection(target.value)
                ):
                    value = node.value
            words = _literal(value, constants) if value is not None else None
            if words is not None and value is not None:
                found.append((module, words, value.lineno))
    return sorted(found, key=lambda item: (item[0], item[2]))


def _trees(everywhere: bool = False) -> dict[str, ast.Module]:
    trees = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if everywhere or not module.startswith(ELSEWHERE):
            trees[module] = ast.parse(path.read_text(encoding="utf-8"))
    return trees


def test_the_scan_finds_unmarked_refusals() -> None:
    source = """
class Refusal(InputError):
    pass

raise InputError("no scenario below this folder", expected="a folder")
raise ValidationFailed(f"no {what} called {name!r}", expected="one of " + names)
raise Refusal(f"more than {n} rows")
error = FileFormatError("the file is empty")
raise click.BadParameter("not a track")
raise ConfigurationError("Parquet output needs pyarrow: " + command)
raise AuditChainBroken(7, "the link's content does not match its hash")
raise InputError(N_("no scenario below this folder"), expected=N_("a folder"))
raise NotFound(N_("no track %(track_id)s"), params={"track_id": 7})
raise click.BadParameter(_("not a track"))
raise FrontierTooLarge("points", 9, 8, 1, 2)
raise OutcomeSpaceTooLarge(10, 5, reason)
raise InputError(message, expected=expected)
raise ValueError("a caller's mistake")
_EXPECTED = "a scenario file"
_MARKED = N_("a scenario file")
raise FileFormatError(N_("unknown file type"), expected=_EXPECTED)
raise FileFormatError(N_("unknown file type"), expected=_MARKED)
"""
    found = unmarked_refusals({"example.py": ast.parse(source)})
    assert [words for _, words, _ in found] == [
        "no scenario below this folder",
        "a folder",
        "no  called ",
        "one of ",
        "more than  rows",
        "the file is empty",
        "not a track",
        "Parquet output needs pyarrow: ",
        "the link's content does not match its hash",
        "a scenario file",
    ]


def test_the_errors_tree_words_its_own_messages_as_templates() -> None:
    source = """
class Broken(GobetweenError):
    def __init__(self, sequence):
        super().__init__(f"audit chain broken at sequence {sequence}")
"""
    assert unmarked_refusals({"errors.py": ast.parse(source)}) == [
        ("errors.py", "audit chain broken at sequence ", 4)
    ]


@pytest.fixture(scope="module")
def found() -> list[tuple[str, str, int]]:
    return unmarked_refusals(_trees())


def test_every_refusal_is_marked_or_left_in_english_on_purpose(
    found: list[tuple[str, str, int]],
) -> None:
    left = [
        f"{module}:{line}: {words!r}"
        for module, words, line in found
        if (module, words) not in ALLOWED and (module, words) not in PENDING
    ]
    assert left == [], (
        "mark these with errors.N_ and params (or _() in the CLI), docs/dev/i18n.md; "
        "or add them to ALLOWED with why no person reads them"
    )


def test_the_scan_sees_the_modules_and_their_raises(found: list[tuple[str, str, int]]) -> None:
    trees = _trees()
    assert {"batch/store.py", "store/repositories.py", "errors.py", "cli/main.py"} <= set(trees)
    assert not [module for module in trees if module.startswith(ELSEWHERE)]
    assert {module for module, _, _ in found} >= {"store/db.py", "model/scenario.py"}


def test_the_scan_finds_unmarked_refusals_collected_for_a_page() -> None:
    source = """
errors.append(f"{what}: “{raw}” is not a number.")
self.problems.append("the file is empty")
field_errors["date"] = "not a date"
warnings.add("no " + name)
errors.append(_("%(what)s: “%(value)s” is not a number.") % values)
field_errors["date"] = _("not a date")
errors.append(problem_text(exc))
names.append("Ukraine")
errors.append(f"{row}: {message}")
"""
    found = unmarked_collected({"web/example.py": ast.parse(source)})
    assert [words for _, words, _ in found] == [
        ": “” is not a number.",
        "the file is empty",
        "not a date",
        "no ",
    ]


def test_no_page_shows_an_unmarked_refusal_it_collected() -> None:
    found = unmarked_collected(_trees(everywhere=True))
    left = [f"{module}:{line}: {words!r}" for module, words, line in found]
    assert left == [], "mark these with _() (or errors.N_ and params), docs/dev/i18n.md"


#: Numbers written ``f"{n:,}"`` on purpose: (module, words on the line) -> why. Anything else a
#: person reads goes through ``errors.Count`` (the core) or ``i18n.format_decimal``.
ENGLISH_NOTATION = {
    ("errors.py", "characters"): "a shortened quote's length in the English log line",
    ("errors.py", "int(self):,"): "errors.Count's English form (str(error), logs, the CLI)",
    ("formats/jcc_write.py", "value"): "a JCC spreadsheet's cells, written as the JCC does",
}


def english_numbers(trees: dict[str, ast.Module]) -> list[tuple[str, int, str]]:
    """(module, line, the line's text) for each ``f"{n:,}"`` (or ``:,.1f``): a number in
    English notation."""
    found = []
    for module, tree in trees.items():
        for node in ast.walk(tree):
            spec = node.format_spec if isinstance(node, ast.FormattedValue) else None
            if isinstance(spec, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) and str(part.value).startswith(",")
                for part in spec.values
            ):
                found.append((module, node.lineno, ast.unparse(node)))
    return sorted(found)


def _allowed(module: str, text: str) -> bool:
    return any(module == m and words in text for m, words in ENGLISH_NOTATION)


def test_the_scan_finds_numbers_in_english_notation() -> None:
    source = """
params = {"size": f"{size:,}", "mean": f"{mean:,.1f}", "row": f"{row}", "n": Count(n)}
"""
    found = english_numbers({"web/example.py": ast.parse(source)})
    assert [(module, line) for module, line, _ in found] == [
        ("web/example.py", 2),
        ("web/example.py", 2),
    ]


def test_no_number_a_person_reads_is_in_english_notation() -> None:
    lines = {
        module: (PACKAGE / module).read_text(encoding="utf-8").splitlines()
        for module in _trees(everywhere=True)
    }
    left = [
        f"{module}:{line}"
        for module, line, _ in english_numbers(_trees(everywhere=True))
        if not _allowed(module, lines[module][line - 1])
    ]
    assert left == [], "errors.Count(n) in a core refusal's params, i18n.format_decimal elsewhere"
