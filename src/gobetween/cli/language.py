"""The command line's language: chosen once per run, used for every word the CLI prints.

The language is, in order: ``--language`` (before the subcommand), else the environment
variable ``GOBETWEEN_LANGUAGE``, else the POSIX locale variables in their order of precedence
(``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``: the first one set decides, ``uk_UA.UTF-8`` is
Ukrainian and ``C`` or an unsupported language English), else English. The words come from the
same catalogs as the web pages (:mod:`gobetween.i18n`); nothing here keeps a second set.

Click evaluates a command's help when the module is imported, before the language is known, so
every help text is an English msgid marked with :func:`~gobetween.errors.N_` and
:class:`Command` / :class:`Group` translate it each time help is shown. Click's own words
("Usage:", "Missing option", "Path ... does not exist.") are looked up in the same catalogs
(:data:`CLICK_WORDS`, :func:`speak_click`). Numbers and dates go through Babel for the chosen
locale (:func:`number`, :func:`percent`, :func:`day`); machine-readable output (JSON, CSV, file
formats, exit codes) is not touched.

>>> choose([], {"LANG": "uk_UA.UTF-8"}), choose(["--language", "ar"], {"LANG": "uk_UA.UTF-8"})
('uk', 'ar')
>>> choose(["analyze", "--language", "tr"], {"LC_ALL": "C", "LANG": "ru_RU.UTF-8"})
'en'
>>> with i18n.use_locale("ru"):
...     number(1234.5, 1), percent(0.25)
('1\\xa0234,5', '25\\xa0%')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import click
from babel import Locale
from babel import numbers as _numbers

from gobetween import i18n
from gobetween.errors import N_, GobetweenError, InputError, NotFound, Sentence
from gobetween.i18n import _
from gobetween.service.solver_words import SOLVER_WORDS, solver_word

__all__ = [
    "CLICK_WORDS",
    "LANGUAGE_ENV",
    "POSIX_VARIABLES",
    "ROW_PREFIXES",
    "SOLVER_WORDS",
    "Command",
    "Group",
    "Refused",
    "choose",
    "column",
    "day",
    "expected",
    "language_option",
    "number",
    "os_error",
    "percent",
    "refusal",
    "row_problem",
    "sentence",
    "solver_word",
    "speak_click",
    "word",
]

LANGUAGE_ENV = "GOBETWEEN_LANGUAGE"
#: The POSIX locale variables, strongest first (LANGUAGE, GNU's list, is not read).
POSIX_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def _code(value: str | None) -> str | None:
    """``value`` if it is exactly one of the interface's language codes (any case), else None."""
    code = (value or "").strip().lower()
    return code if code in i18n.LOCALES else None


def _posix(environ: Mapping[str, str]) -> str | None:
    for name in POSIX_VARIABLES:
        value = environ.get(name)
        if value:  # the first one set decides, even when it is not a language gobetween speaks
            return i18n.supported(value.split(".")[0].split("@")[0])
    return None


def _requested(args: Sequence[str]) -> str | None:
    """The value of ``--language`` among the group's own options (before the subcommand)."""
    for index, arg in enumerate(args):
        if arg == "--language":
            return args[index + 1] if index + 1 < len(args) else None
        if arg.startswith("--language="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):
            return None
    return None


def choose(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a run: ``--language``, else GOBETWEEN_LANGUAGE, else the POSIX locale.

    A value that is no language of gobetween is skipped here; the ``--language`` option's
    check refuses it in the language the other sources give.
    """
    return (
        _code(_requested(args))
        or _code(environ.get(LANGUAGE_ENV))
        or _posix(environ)
        or i18n.DEFAULT_LOCALE
    )


def _check_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None or _code(value):
        return
    languages = ", ".join(f"{code} ({i18n.LANGUAGE_NAMES[code]})" for code in i18n.LOCALES)
    source = ctx.get_parameter_source(param.name or "language")
    if source is click.core.ParameterSource.ENVIRONMENT:
        message = _("%(variable)s=%(value)s is not a language of gobetween; the languages: ")
        message %= {"variable": LANGUAGE_ENV, "value": value}
    else:
        message = _("%(value)r is not a language of gobetween; the languages: ") % {"value": value}
    raise click.BadParameter(message + languages, ctx=ctx, param=param)


#: ``--language`` of the ``gobetween`` group: checked here, applied by :func:`choose`.
language_option = click.option(
    "--language",
    metavar="CODE",
    envvar=LANGUAGE_ENV,
    is_eager=True,
    expose_value=False,
    callback=_check_language,
    help=N_(
        "Language of the messages: en, uk, ru, tr or ar (else GOBETWEEN_LANGUAGE, else "
        "LC_ALL, LC_MESSAGES or LANG, else English)."
    ),
)


# -- click's own words -------------------------------------------------------------------------

#: The words click prints itself, copied from its source so that ``make i18n`` puts them in the
#: catalogs; :func:`speak_click` makes click look them up there. A plural pair is two entries.
CLICK_WORDS = (
    N_("Usage:"),
    i18n.pgettext("command line", "Options"),  # "Options" alone is an issue's options
    N_("Commands"),
    N_("Positional arguments"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    i18n.ngettext(
        "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 2
    ),
    i18n.ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 2
    ),
    N_("Option {name!r} does not take a value."),
    N_("Could not open file {filename!r}: {message}"),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value!r} does not match the format {format}."),
    N_("{value!r} does not match the formats {formats}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("required"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Aborted!"),
    N_("Password"),
)

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)


#: Click's words that need a context (the same English means something else on the pages).
_IN_CONTEXT = frozenset({"Options"})


def _click_gettext(message: str) -> str:
    if message in _IN_CONTEXT:
        return i18n.pgettext("command line", message)
    return i18n.gettext(message)


#: Click's pairs that count something (arguments): said in the language's plural forms. Its other
#: pairs choose between one thing and a list ("Did you mean x?" / "one of: x, y"), not a count.
_COUNTED = frozenset(
    {"Got unexpected extra argument ({args})", "Option {name!r} requires an argument."}
)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _COUNTED:
        return i18n.ngettext(singular, plural, n)
    return i18n.gettext(singular if n == 1 else plural)


def speak_click() -> None:
    """Make click look its own words up in gobetween's catalogs (idempotent).

    Click binds ``gettext.gettext`` as ``_`` in each of its modules; the translations of that
    global domain are files on disk, gobetween's are compiled in memory, so the names are
    pointed at :func:`gobetween.i18n.gettext` instead.
    """
    for name in _CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            setattr(module, "_", _click_gettext)  # noqa: B010 (a module's name, set on purpose)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _click_ngettext)  # noqa: B010


# -- help translated when shown ----------------------------------------------------------------


def _said(text: Any) -> Any:
    return i18n.gettext(text) if isinstance(text, str) and text else text


@contextlib.contextmanager
def _translated(command: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """The command's and its options' help (``--help`` too, given ``ctx``) in the current
    language for the block."""
    saved: list[tuple[object, str, Any]] = []
    helper = command.get_help_option(ctx) if ctx is not None else None
    for owner in (command, *command.params, *([helper] if helper is not None else [])):
        for attribute in ("help", "short_help", "epilog", "show_default", "prompt"):
            value = getattr(owner, attribute, None)
            if isinstance(value, str) and value:
                saved.append((owner, attribute, value))
                setattr(owner, attribute, _said(value))
        kind = getattr(owner, "type", None)
        if isinstance(kind, click.Path):
            saved.append((kind, "name", kind.name))
            kind.name = _path_word(kind)
    for param in command.params if ctx is not None else ():
        saved.append((param, "metavar", param.metavar))
        param.metavar = _metavar(param.make_metavar(ctx))  # type: ignore[arg-type]  # ctx is set
    for attribute in ("options_metavar", "subcommand_metavar"):
        value = getattr(command, attribute, None)
        if isinstance(value, str):
            saved.append((command, attribute, value))
            setattr(command, attribute, _metavar(value))
    try:
        yield
    finally:
        for owner, attribute, value in reversed(saved):
            setattr(owner, attribute, value)


#: The names ``--help`` gives arguments and option values, in the catalogs (context
#: ``metavar``); the help texts that name them use the same words in every language.
METAVARS = frozenset(
    {
        i18n.pgettext("metavar", "OPTIONS"),
        i18n.pgettext("metavar", "COMMAND"),
        i18n.pgettext("metavar", "ARGS"),
        i18n.pgettext("metavar", "TRACK_ID"),
        i18n.pgettext("metavar", "BUNDLE_PATH"),
        i18n.pgettext("metavar", "FILE"),
        i18n.pgettext("metavar", "FILES"),
        i18n.pgettext("metavar", "FILENAME"),
        i18n.pgettext("metavar", "FOLDER"),
        i18n.pgettext("metavar", "DIR"),
        i18n.pgettext("metavar", "DIRECTORY"),
        i18n.pgettext("metavar", "KEY_FILE"),
        i18n.pgettext("metavar", "KIND"),
        i18n.pgettext("metavar", "PATH"),
        i18n.pgettext("metavar", "SOURCE"),
        i18n.pgettext("metavar", "TARGET"),
        i18n.pgettext("metavar", "SPEC"),
        i18n.pgettext("metavar", "ADDRESS"),
        i18n.pgettext("metavar", "CODE"),
        i18n.pgettext("metavar", "ORG"),
        i18n.pgettext("metavar", "FINGERPRINT"),
        i18n.pgettext("metavar", "PARTY"),
        i18n.pgettext("metavar", "TEXT"),
        i18n.pgettext("metavar", "INTEGER"),
        i18n.pgettext("metavar", "BOOLEAN"),
        i18n.pgettext("metavar", "INTEGER RANGE"),
        i18n.pgettext("metavar", "FLOAT RANGE"),
    }
)
_METAVAR_WORD = re.compile(r"[A-Z][A-Z_]+(?: RANGE)?")


def _metavar(shown: str) -> str:
    """A metavar as click made it (``FILES...``, ``[PATH]``, ``ORG=FINGERPRINT``) with its
    words in the current language; choices and date formats kept.

    >>> with i18n.use_locale("uk"):
    ...     _metavar("TRACK_ID"), _metavar("FILES..."), _metavar("[yaml|json]")
    ('ID_НАПРЯМУ', 'ФАЙЛИ...', '[yaml|json]')
    """
    return _METAVAR_WORD.sub(
        lambda m: i18n.pgettext("metavar", m[0]) if m[0] in METAVARS else m[0], shown
    )


def _path_word(kind: click.Path) -> str:
    if kind.file_okay and not kind.dir_okay:
        return _("file")
    if kind.dir_okay and not kind.file_okay:
        return _("directory")
    return _("path")


class Refused(click.ClickException):
    """A :class:`~gobetween.errors.GobetweenError` as the CLI says it: one line, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        """Print ``error: ...`` in the run's language on standard error."""
        click.echo(_("error: %(message)s") % {"message": self.message}, err=True)


def refusal(error: GobetweenError) -> str:
    """What ``error`` says, in the current language (English: exactly ``str(error)``).

    The service's words are used (:func:`gobetween.service.errors.describe`), except that a
    missing object keeps its own sentence: the CLI's user works on their own machine and
    database, where "no user with e-mail x" hides nothing from anyone.
    """
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return str(error)
    from gobetween.service.errors import describe

    if isinstance(error, NotFound) and not isinstance(error, InputError):
        return sentence(Sentence(error.template, error.params))
    return describe(error)


def sentence(said: Sentence) -> str:
    """A sentence of the core (a template and its values) in the current language."""
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return str(said)
    from gobetween.service.errors import translated

    return translated(said)


class _Speaking(click.Command):
    """Shared by :class:`Command` and :class:`Group`: help in the run's language, refusals as
    :class:`Refused`, and the language chosen when the command is run on its own."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        """Run in the language :func:`choose` picks (tests call this through CliRunner)."""
        argv = list(sys.argv[1:] if args is None else args)
        speak_click()
        with i18n.use_locale(choose(argv, os.environ)):
            return super().main(argv, *rest, **options)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse with click's words for a file or folder in the run's language."""
        with _translated(self, ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a gobetween refusal becomes one translated line and status 2."""
        try:
            return super().invoke(ctx)
        except GobetweenError as error:
            raise Refused(refusal(error)) from error

    def get_help(self, ctx: click.Context) -> str:
        """The help page in the run's language."""
        with _translated(self, ctx):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The one-line summary in the run's language."""
        with _translated(self):
            return super().get_short_help_str(limit)

    def get_usage(self, ctx: click.Context) -> str:
        """The usage line (its words are click's, translated)."""
        with _translated(self, ctx):
            return super().get_usage(ctx)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """``--help``, made once with its English help (translated when shown, as the rest):
        click words it when first asked, which may be in another language."""
        with i18n.use_locale(i18n.DEFAULT_LOCALE):
            return super().get_help_option(ctx)


class Command(_Speaking, click.Command):
    """A click command whose help and refusals are in the run's language."""


class Group(_Speaking, click.Group):
    """A click group whose help, refusals and subcommands speak the run's language."""

    command_class = Command
    group_class = type


# -- numbers and dates -------------------------------------------------------------------------


def number(value: float | int, digits: int | None = None, *, grouped: bool = True) -> str:
    """``value`` in the current language's notation, with ``digits`` decimals if given.

    >>> with i18n.use_locale("uk"):
    ...     number(0.85, 3), number(12000)
    ('0,850', '12\\xa0000')
    """
    code = i18n.current_locale()
    if digits is None:
        return str(_numbers.format_decimal(value, locale=code, group_separator=grouped))
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    return str(
        _numbers.format_decimal(value, format=pattern, locale=code, decimal_quantization=True)
    )


def percent(share: float, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the current language (``25 %``, ``%25``)."""
    code = i18n.current_locale()
    pattern = str(Locale.parse(code).percent_formats[None].pattern)
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return str(_numbers.format_percent(share, format=pattern, locale=code))


def word(text: str) -> str:
    """A word the core declares in English (a record kind's or figure's name, column, caveat)
    in the current language, when the catalogs have it (the pages mark them in
    :mod:`gobetween.web.record_words`); a column's underscores read as spaces; else as it is."""
    said = i18n.gettext(text)
    if said == text and "_" in text:
        spaced = text.replace("_", " ")
        said = i18n.gettext(spaced)
        return text if said == spaced else said
    for prefix in ROW_PREFIXES:  # a declared word before a name of the data: the name is kept
        if said == text and text.startswith(prefix + " "):
            return i18n.gettext(prefix) + " " + text[len(prefix) + 1 :]
    return said


def column(name: str) -> str:
    """A figure table's column in the current language (English: its name in the CSV files):
    the voyage figures' own columns here, others by :func:`word`.

    >>> with i18n.use_locale("uk"):
    ...     column("median_days"), column("month")
    ('медіана днів', 'місяць')
    """
    words = {
        "inspected": i18n.pgettext("figure column", "inspected"),
        "waiting": i18n.pgettext("figure column", "waiting"),
        "median_days": i18n.pgettext("figure column", "median days"),
        "p90_days": i18n.pgettext("figure column", "days, 90th percentile"),
        "mean_days": i18n.pgettext("figure column", "mean days"),
        "period": i18n.pgettext("figure column", "period"),
        "voyages_departed": i18n.pgettext("figure column", "voyages departed"),
        "shipments": i18n.pgettext("figure column", "cargo rows"),
        "tonnes": i18n.pgettext("figure column", "tonnes"),
        "inspections": i18n.pgettext("figure column", "inspections"),
    }
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return name  # English: the CSV file's own column names, as before
    return words.get(name) or word(name)


#: Declared words that begin a figure's row label before a name of the data (the exchanges
#: summary's "returned to Ukraine", :mod:`gobetween.monitoring.kinds_builtin`), as on the pages.
ROW_PREFIXES = ("returned to",)


def expected(field: Any) -> str:
    """What a valid cell of a record kind's field looks like (``FieldSpec.expected``), in the
    current language.

    >>> from gobetween.monitoring.kinds import kind_named
    >>> people = kind_named("exchanges").field("number")
    >>> people.expected
    'a whole number >= 0 (people)'
    >>> with i18n.use_locale("uk"):
    ...     expected(people)
    'ціле число >= 0 (осіб)'
    """
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return str(field.expected)
    kind = str(field.type)
    if kind == "choice":
        return _("one of %(choices)s") % {"choices": ", ".join(word(c) for c in field.choices)}
    if kind == "date":
        return _("a date like 2022-09-21 or 21-Sep-2022")
    if kind in ("integer", "number"):
        whole = kind == "integer"
        if field.minimum is None:
            what = _("a whole number") if whole else _("a number")
        else:
            low = {"low": f"{field.minimum:g}"}
            what = (_("a whole number >= %(low)s") if whole else _("a number >= %(low)s")) % low
    else:
        what = _("text")
    if not field.unit:
        return what
    unit = i18n.pgettext("unit: tonnes", "t") if field.unit == "t" else word(field.unit)
    return _("%(what)s (%(unit)s)") % {"what": what, "unit": unit}


def _expected_phrases() -> dict[str, Any]:
    from gobetween.monitoring.kinds import REGISTRY

    return {f.expected: f for kind in REGISTRY.values() for f in kind.fields}


def os_error(error: OSError) -> str:
    """What the operating system refused, and the file (English: its own words, as before)."""
    said = error.strerror or str(error)
    if i18n.current_locale() != i18n.DEFAULT_LOCALE:
        words = {
            errno.ENOENT: _("no such file or folder"),
            errno.EACCES: _("permission denied"),
            errno.EPERM: _("permission denied"),
            errno.EISDIR: _("this is a folder"),
            errno.ENOTDIR: _("not a folder"),
            errno.EEXIST: _("it exists already"),
            errno.ENOSPC: _("no space left on the device"),
            errno.EROFS: _("the file system is read-only"),
        }
        said = words.get(error.errno or 0, said)
    return f"{said}: {error.filename or ''}".rstrip(": ")


def row_problem(problem: Any) -> str:
    """A row that could not be imported as it stands (:class:`~gobetween.monitoring.voyages.
    ImportProblem`), framed in the current language; the core's own words (column, message,
    expected) are translated where the catalogs have them (English: exactly ``str(problem)``).
    """
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return str(problem)
    message, said_expected = problem.sentence, problem.expected_sentence
    values = {
        "row": problem.row,
        "column": word(problem.column or ""),
        "message": sentence(message) if message is not None else word(problem.message),
        "expected": word(problem.expected or ""),
    }
    field = _expected_phrases().get(problem.expected or "")
    if said_expected is not None:
        values["expected"] = sentence(said_expected)
    elif field is not None:
        values["expected"] = expected(field)
    if problem.column:
        text = _("row %(row)s, %(column)s: %(message)s") % values
    else:
        text = _("row %(row)s: %(message)s") % values
    if problem.expected:
        text = _("%(text)s (expected: %(expected)s)") % {
            "text": text,
            "expected": values["expected"],
        }
    if not problem.skipped:
        text = _("%(text)s [imported]") % {"text": text}
    return text


def day(value: dt.date | dt.datetime | str | None) -> str:
    """A calendar day in the current language (medium length)."""
    return i18n.format_date(value)
