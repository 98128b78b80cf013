"""The agenda and the negotiating text as a reader of the current language reads them.

An agenda names its issues and options, and describes its issues, in other languages
(:attr:`gobetween.model.Issue.names`, :attr:`~gobetween.model.Option.names`,
:attr:`~gobetween.model.Issue.descriptions`) and give their units in them
(:attr:`~gobetween.model.Issue.units`); a text version holds each article's wording per
language. The pages show them through these functions, registered as Jinja filters of the same
names (:data:`FILTERS`, by :func:`gobetween.web.render.environment`), so that a Russian delegate
reads *порты: Одесса* and the Russian wording where the agenda and the text have them, and the
names and wording as written where they do not. Keys (an issue's and an option's name) are never
changed: forms still send them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from gobetween import bidi, i18n
from gobetween.errors import N_
from gobetween.model import Agenda, Issue
from gobetween.service import names
from gobetween.service.languages import language_name
from gobetween.service.names import Named

__all__ = [
    "FILTERS",
    "article_named",
    "called",
    "choice",
    "described",
    "issue_named",
    "option_named",
    "red_line_pair",
    "unit_of",
    "worded",
]


def called(item: Named) -> str:
    """An agenda issue or option, or a process, an organisation or a track (named by its
    secretariat, :mod:`gobetween.service.names`), as a reader of the current language calls
    it: its name in that language where it has one (``names``), else its own name (an
    option's label, the name as entered). The pages' one way to show these names
    (``{{ track | called }}``).

    >>> from gobetween.i18n import use_locale
    >>> from gobetween.model import Option
    >>> with use_locale("uk"):
    ...     called(Option("Odesa", names={"uk": "Одеса"})), called(Issue.discrete("term", ["60"]))
    ('Одеса', 'term')
    """
    return names.called(item)


def choice(agenda: Agenda, issue: str, option: str, between: str = ": ") -> str:
    """``issue`` and ``option`` of a package or an offer as a reader of the current language
    calls them (:func:`called`), joined by ``between``; as given where the agenda has no such
    issue or option (an offer made on an earlier agenda).

    >>> from gobetween.i18n import use_locale
    >>> from gobetween.model import Option
    >>> agenda = Agenda((Issue("ports", (Option("Odesa", names={"uk": "Одеса"}),),
    ...                        names={"uk": "порти"}),))
    >>> with use_locale("uk"):
    ...     choice(agenda, "ports", "Odesa"), choice(agenda, "ports", "Izmail", " → ")
    ('порти: Одеса', 'порти → Izmail')
    """
    return f"{issue_named(agenda, issue)}{between}{option_named(agenda, issue, option)}"


def worded(wording: Mapping[str, str] | None, working: Sequence[str] = ()) -> Markup:
    """An article's wording (language code -> text) as a reader of the current language reads
    it: in that language where the text has it, else in its first language; in a ``<span>``
    that says which language it is, so the browser and screen readers treat it as such. Where
    the reader's language is one of the track's ``working`` languages and the article has no
    wording in it yet, a note says so (a reader was shown English without a word, found
    walking the demo).

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("uk"):
    ...     print(worded({"en": "From Odesa.", "uk": "З Одеси."}), worded({"en": "From <Odesa>."}))
    <span lang="uk">З Одеси.</span> <span lang="en">From &lt;Odesa&gt;.</span>
    >>> print(worded({"en": "From Odesa."}, ("en", "uk")))  # an English reader: nothing missing
    <span lang="en">From Odesa.</span>
    """
    if not wording:
        return Markup("")
    reader = language = i18n.current_locale()
    if language not in wording:
        language = next(iter(wording))
    # the text's own directional controls isolated, as every other value (finalize)
    shown = Markup('<span lang="{}">{}</span>').format(language, bidi.isolate(wording[language]))
    if reader == language or reader not in working:
        return shown
    said = i18n.gettext("not yet worded in %(language)s: shown in %(shown)s") % {
        "language": language_name(reader),
        "shown": language_name(language),
    }
    return shown + Markup(' <small class="untranslated">({})</small>').format(said)


def issue_named(agenda: Agenda, issue: str) -> str:
    """The agenda's ``issue`` as the reader calls it (:func:`called`); as given off the agenda."""
    return called(agenda.issue(issue)) if agenda.has_issue(issue) else issue


def option_named(agenda: Agenda, issue: str, option: str) -> str:
    """``issue``'s ``option`` as the reader calls it (:func:`called`); as given off the agenda."""
    if not agenda.has_issue(issue) or not agenda.issue(issue).has_option(option):
        return option
    found = agenda.issue(issue)
    return called(found.options[found.index(option)])


def described(issue: Issue) -> str:
    """An agenda issue's description for a reader of the current language (in it where the
    agenda gives one, else as written; maybe empty)."""
    return issue.described(i18n.current_locale())


def unit_of(issue: Issue) -> str | None:
    """An agenda issue's unit for a reader of the current language (in it where the agenda
    gives one, else as written; ``None`` for an issue without a unit).

    >>> from gobetween.i18n import use_locale
    >>> term = Issue.from_range("term", 60, 120, 60, unit="days")
    >>> with use_locale("uk"):
    ...     unit_of(Issue(term.name, term.options, unit="days", units={"uk": "днів"}))
    'днів'
    """
    return issue.unit_in(i18n.current_locale())


#: What an article that settles no issue and has no heading is called, by its kind.
_ARTICLE_KINDS = {"preamble": N_("Preamble"), "final": N_("Final clauses")}


def article_named(article: Mapping[str, Any], agenda: Agenda | None = None) -> str:
    """What a reader of the current language calls an article of the text (its wire form):
    its issue as they call it (:func:`issue_named`), else its heading in their language (else
    its first), else its kind (*Преамбула*), else its id.

    >>> from gobetween.i18n import use_locale
    >>> agenda = Agenda((Issue.discrete("ports", ["Odesa"], names={"ru": "порты"}),))
    >>> with use_locale("ru"):
    ...     [article_named(a, agenda) for a in ({"id": "art-1", "issue": "ports"},
    ...      {"id": "art-2", "kind": "preamble"}, {"id": "art-3", "heading": {"en": "Term"}})]
    ['порты', 'Преамбула', 'Term']
    """
    if issue := article.get("issue"):
        return issue_named(agenda, str(issue)) if agenda is not None else str(issue)
    heading: Mapping[str, str] = article.get("heading") or {}
    if heading:
        return heading.get(i18n.current_locale()) or next(iter(heading.values()))
    kind = article.get("kind")
    if isinstance(kind, str) and kind in _ARTICLE_KINDS:
        return i18n.gettext(_ARTICLE_KINDS[kind])
    return str(article.get("id", article.get("article", "")))


def red_line_pair(pair: tuple[str, str], agenda: Agenda) -> str:
    """One ``(issue, option)`` of a red line as the reader calls them: ``срок = 180``."""
    return choice(agenda, pair[0], pair[1], " = ")


#: The Jinja filters, by name.
FILTERS: Mapping[str, Callable[..., Any]] = {
    "called": called,
    "described": described,
    "article_named": article_named,
    "unit_of": unit_of,
    "choice": choice,
    "worded": worded,
    "issue_named": issue_named,
    "option_named": option_named,
    "choice_of": red_line_pair,
}
