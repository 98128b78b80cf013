"""Issue 12: every string literal the command line shows a person is marked for translation.

Reads ``src/gobetween/cli/*.py`` and fails on a string literal with words that reaches
``click.echo``, a Rich ``print``/``rule``, a table's title, caption or column, a progress
column, an option's or command's ``help=``/``short_help=``/``epilog=``/``show_default=``, or a
raised ``ClickException``/``UsageError``/``BadParameter``, unless it goes through ``_``,
``ngettext``, ``pgettext`` or ``N_`` (docs/dev/i18n.md, "The command line"). A literal without
letters (``"  "``, ``": "``) and a value (a name, a call) pass; so does the short list below of
words that are data. It also fails on ``_()`` inside an f-string, which ``make i18n`` cannot
extract, and (at run time) on a command or option whose help is not in the catalogs, which is
what a docstring used as help would be.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po

import gobetween
from gobetween.cli.main import COMMANDS, cli

CLI = Path(gobetween.__file__).parent / "cli"
POT = Path(gobetween.__file__).parent / "locale" / "messages.pot"
WORDS = re.compile(r"[^\W\d_]{2,}")
#: Rich's style tags ("[bold]", "[/green]") are not words.
MARKUP = re.compile(r"\[/?(?:bold|italic|green|red)\]")
MARKERS = {"_", "N_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext"}
#: Calls whose first argument (or ``message``/``description`` keyword) a person reads.
SHOWN_CALLS = {
    "echo",
    "print",
    "rule",
    "add_column",
    "TextColumn",
    "add_task",
    "ClickException",
    "UsageError",
    "BadParameter",
    "FileError",
    "Refused",
}
SHOWN_KEYWORDS = {
    "help",
    "short_help",
    "epilog",
    "show_default",
    "title",
    "caption",
    "description",
    "message",
}
#: Literal words that are data, not sentences: (module, words) -> why.
ALLOWED = {
    ("audit.py", "actor="): "a link of the audit chain printed as data (key=value, as stored)",
}


def _words(node: ast.expr) -> list[str]:
    """The literal text with letters in an expression that becomes shown text, unmarked."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if WORDS.search(MARKUP.sub("", node.value)) else []
    if isinstance(node, ast.JoinedStr):
        return [
            str(part.value)
            for part in node.values
            if isinstance(part, ast.Constant) and WORDS.search(MARKUP.sub("", str(part.value)))
        ]
    if isinstance(node, ast.BinOp):
        found = _words(node.left)
        if not isinstance(node.op, ast.Mod):  # "..." % values: the values are not words
            found += _words(node.right)
        return found
    if isinstance(node, ast.IfExp):
        return _words(node.body) + _words(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join"):
            return _words(func.value) if func.attr == "format" else []
    return []


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def unmarked_strings(source: str, module: str) -> list[str]:
    """Where ``source`` shows a person an unmarked literal, as ``module:line: text``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        shown: list[ast.expr] = []
        if isinstance(node, ast.Call):
            if _name(node.func) in SHOWN_CALLS and node.args:
                shown.append(node.args[0])
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ("caption", "title"):
                    shown.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            for part in ast.walk(node):
                if isinstance(part, ast.Call) and _name(part.func) in MARKERS:
                    found.append(f"{module}:{part.lineno}: _() inside an f-string")
        for value in shown:
            for text in _words(value):
                if (module, text.strip()) not in ALLOWED:
                    found.append(f"{module}:{value.lineno}: {text!r}")
    return found


def test_the_scan_finds_unmarked_strings() -> None:
    source = """
click.echo("wrote the file")
click.echo(f"wrote {n} files")
console.print("done: " + name)
raise click.BadParameter(f"{value!r} is not ORG=FINGERPRINT")
x = click.option("--out", help="Where to write.")
table.add_column("package")
table.caption = f"one point in {step}"
click.echo(f"{_('Nash')}")
click.echo(_("wrote the file"))
click.echo("  " + _("note: %(note)s") % {"note": "a note"})
click.echo(f"  {label}: {value}")
y = click.option("--out", help=N_("Where to write."))
"""
    found = unmarked_strings(source, "example.py")
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(
        [
            "'wrote the file'",
            "'wrote '",
            "' files'",
            "'done: '",
            "' is not ORG=FINGERPRINT'",
            "'Where to write.'",
            "'package'",
            "'one point in '",
            "_() inside an f-string",
        ]
    )


@pytest.mark.parametrize("module", sorted(p.name for p in CLI.glob("*.py")))
def test_every_shown_string_of_the_cli_is_marked(module: str) -> None:
    source = (CLI / module).read_text(encoding="utf-8")
    assert unmarked_strings(source, module) == [], (
        "mark these with _() (shown now) or N_() (help, shown later), docs/dev/i18n.md"
    )


def _msgids() -> set[str]:
    with POT.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def _commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [("gobetween", cli)]
    ctx = click.Context(cli)
    stack = [(f"gobetween {name}", cli.get_command(ctx, name)) for name in sorted(COMMANDS)]
    while stack:
        path, command = stack.pop()
        assert command is not None
        found.append((path, command))
        if isinstance(command, click.Group):
            stack += [(f"{path} {n}", command.commands[n]) for n in sorted(command.commands)]
    return found


def test_every_command_and_option_help_is_in_the_catalogs() -> None:
    """A docstring used as help (no ``help=N_(...)``) is English only: not in the catalogs."""
    known = _msgids()
    missing = []
    commands = _commands()
    assert len(commands) > 40
    for path, command in commands:
        for text in (command.help, command.short_help):
            if text and text not in known:
                missing.append(f"{path}: {text[:60]!r}")
        for param in command.params:
            text = getattr(param, "help", None)
            if text and text not in known:
                missing.append(f"{path} {param.name}: {text[:60]!r}")
    assert missing == []


def test_click_still_says_the_words_the_catalogs_carry_for_it() -> None:
    """``cli.language.CLICK_WORDS`` copies click's own messages; after an upgrade of click a
    changed message would silently stay English. Every copied word must be one click says."""
    import importlib

    from gobetween.cli.language import _CLICK_MODULES, CLICK_WORDS

    said: set[str] = set()
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("_", "ngettext"):
                said |= {
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                }
    said.add("Password")  # a prompt click makes from the option's name, not a message
    said.add("required")  # click: extra["required"] = "required", shown as _(extra["required"])
    assert len(said) > 40
    assert [word for word in CLICK_WORDS if word not in said] == []
