"""Lifecycle terms derived from the agreed text, and the check that an instrument agrees with it.

An agreement's term, renewal rule and notice period come from the articles of the agreed text
and nowhere else. One declared mapping, :data:`LIFECYCLE_ISSUES`, says which agenda issue holds
which lifecycle rule; :data:`RENEWAL_WORDS` says which words of a renewal option (or of its
clause) name which :class:`~gobetween.agreements.terms.RenewalRule`. Without a renewal issue,
the renewal rule is the one the term article's clause states, if it states one (the Black Sea
Grain Initiative's term article said how it was extended); otherwise there is no renewal.

- :func:`derive_lifecycle` reads the rules out of the chosen options (what the agreement form
  shows and cannot change);
- :func:`consistency_problems` checks operative terms for internal consistency: one rule per
  term (no second article states a different renewal rule or term), and the lifecycle settings
  equal to what the articles say. ``gobetween agreement verify`` reports each problem naming
  both articles.

Articles of operative terms are numbered in the order of their issues (Article 1 is the first
issue); the lifecycle settings are named as such ("the renewal setting").

>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("term", ["60", "120"]),
...                  Issue.discrete("renewal", ["by consent", "automatic unless notice"])))
>>> derived = derive_lifecycle(agenda.package({"term": "120", "renewal": "by consent"}))
>>> derived.term_days, derived.renewal.rule.value
(120, 'by_consent')
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from gobetween.agreements.terms import Link, OperativeTerms, Renewal, RenewalRule
from gobetween.errors import AgreementError
from gobetween.model.package import Package

__all__ = [
    "LIFECYCLE_ISSUES",
    "RENEWAL_WORDS",
    "TextLifecycle",
    "consistency_problems",
    "derive_lifecycle",
    "renewal_rule_named",
    "terms_from_text",
]

#: The one declared mapping from agenda issue to lifecycle rule (issue names, case-insensitive).
LIFECYCLE_ISSUES: Mapping[str, str] = {
    "term": "term_days",
    "renewal": "renewal",
    "notice": "notice_days",
    "entry into force": "effective_date",
}

#: Words (regular expressions, matched from the start of a word, in this order) that name a
#: renewal rule in an option's name or a clause: "automatic" finds "automatically", and "none"
#: is a whole word ("nonetheless" names nothing).
RENEWAL_WORDS: tuple[tuple[str, RenewalRule], ...] = (
    ("consent", RenewalRule.BY_CONSENT),
    ("automatic", RenewalRule.AUTOMATIC_UNLESS_NOTICE),
    ("no renewal", RenewalRule.NONE),
    ("not renewed", RenewalRule.NONE),
    ("expires", RenewalRule.NONE),
    (r"none\b", RenewalRule.NONE),
)

_RENEWAL_STATEMENT = re.compile(r"\b(renew|extend|extension)", re.IGNORECASE)
_DAYS = re.compile(r"^\s*(\d{1,6})\b")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def renewal_rule_named(text: str) -> RenewalRule | None:
    """The renewal rule ``text`` names (by :data:`RENEWAL_WORDS`), or ``None``.

    >>> renewal_rule_named("Renewal by explicit consent of every party.")
    <RenewalRule.BY_CONSENT: 'by_consent'>
    >>> renewal_rule_named("The initiative is renewed automatically.")
    <RenewalRule.AUTOMATIC_UNLESS_NOTICE: 'automatic_unless_notice'>
    """
    folded = _fold(text)
    for word, rule in RENEWAL_WORDS:
        if re.search(rf"\b{word}", folded):
            return rule
    return None


def _days(text: str) -> int | None:
    match = _DAYS.match(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class TextLifecycle:
    """What the agreed text says about the lifecycle; ``None`` where it says nothing.

    ``sources`` maps each lifecycle field to the issue (article) it was read from.
    """

    term_days: int | None
    renewal: Renewal | None
    sources: Mapping[str, str]
    effective_date: dt.date | None = None


def _issue_for(issues: tuple[str, ...], field_name: str) -> str | None:
    for issue in issues:
        if LIFECYCLE_ISSUES.get(_fold(issue).strip()) == field_name:
            return issue
    return None


def _lifecycle_from_options(
    options: Mapping[str, str], clauses: Mapping[str, str] | None = None
) -> TextLifecycle:
    issues = tuple(options)
    sources: dict[str, str] = {}
    term_days = None
    if (term_issue := _issue_for(issues, "term_days")) is not None:
        term_days = _days(options[term_issue])
        if term_days is None:
            raise AgreementError(
                f"the article on {term_issue!r} says {options[term_issue]!r}, not a number of days"
            )
        sources["term_days"] = term_issue
    renewal = None
    if (renewal_issue := _issue_for(issues, "renewal")) is not None:
        rule = renewal_rule_named(options[renewal_issue])
        if rule is None and clauses is not None:
            rule = renewal_rule_named(clauses.get(renewal_issue, ""))
        if rule is None:
            raise AgreementError(
                f"the option {options[renewal_issue]!r} of {renewal_issue!r} names no renewal "
                "rule (say 'consent', 'automatic' or 'no renewal')"
            )
        notice = 0
        if (notice_issue := _issue_for(issues, "notice_days")) is not None:
            notice = _days(options[notice_issue]) or 0
            sources["notice_days"] = notice_issue
        if rule is not RenewalRule.AUTOMATIC_UNLESS_NOTICE:
            notice = 0
        renewal = Renewal(rule, notice)
        sources["renewal"] = renewal_issue
    elif term_issue is not None and clauses is not None:
        stated = clauses.get(term_issue, "")
        rule = renewal_rule_named(stated) if _RENEWAL_STATEMENT.search(stated) else None
        if rule is not None:
            renewal = Renewal(rule)
            sources["renewal"] = term_issue
    effective = None
    if (entry_issue := _issue_for(issues, "effective_date")) is not None:
        effective = _date(options[entry_issue])  # "on signature": the date it is signed
        if effective is not None:
            sources["effective_date"] = entry_issue
    return TextLifecycle(term_days, renewal, sources, effective)


def _date(text: str) -> dt.date | None:
    match = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def derive_lifecycle(package: Package, clauses: Mapping[str, str] | None = None) -> TextLifecycle:
    """The term and renewal rule the agreed ``package`` (with its ``clauses``) holds."""
    return _lifecycle_from_options(package.options, clauses)


def _article(terms: OperativeTerms, issue: str) -> str:
    return f"Article {terms.issues.index(issue) + 1} ({issue!r})"


def _second_rules(terms: OperativeTerms, renewal_issue: str | None, rule: RenewalRule) -> list[str]:
    out = []
    for issue in terms.issues:
        if issue == renewal_issue or not _RENEWAL_STATEMENT.search(terms.clauses[issue]):
            continue
        stated = renewal_rule_named(terms.clauses[issue])
        if stated is not None and stated is not rule:
            first = _article(terms, renewal_issue) if renewal_issue else "the renewal setting"
            out.append(
                f"{first} says renewal is {rule.value}, but {_article(terms, issue)} says "
                f"{stated.value}: one rule per term"
            )
    return out


def consistency_problems(terms: OperativeTerms) -> tuple[str, ...]:
    """What makes ``terms`` contradict themselves; empty when consistent.

    >>> import datetime as dt
    >>> t = OperativeTerms("g", {"renewal": "by consent", "ports": "three"},
    ...     {"renewal": "Renewal by consent of every party.",
    ...      "ports": "Three ports. The initiative is renewed automatically."},
    ...     120, Renewal(RenewalRule.BY_CONSENT), dt.date(2022, 7, 22))
    >>> consistency_problems(t)  # doctest: +NORMALIZE_WHITESPACE
    ("Article 1 ('renewal') says renewal is by_consent, but Article 2 ('ports') says
      automatic_unless_notice: one rule per term",)
    """
    out: list[str] = []
    try:
        said = _lifecycle_from_options(terms.options, terms.clauses)
    except AgreementError as exc:
        return (str(exc),)
    if said.term_days is not None and said.term_days != terms.term_days:
        out.append(
            f"{_article(terms, said.sources['term_days'])} says a term of {said.term_days} days, "
            f"but the term setting is {terms.term_days} days"
        )
    if said.renewal is not None and said.renewal != terms.renewal:
        out.append(
            f"{_article(terms, said.sources['renewal'])} says renewal is "
            f"{said.renewal.rule.value}, but the renewal setting is {terms.renewal.rule.value}"
            + (
                f" with {terms.renewal.notice_days} days' notice"
                if terms.renewal.rule is RenewalRule.AUTOMATIC_UNLESS_NOTICE
                else ""
            )
        )
    if said.effective_date is not None and said.effective_date != terms.effective_date:
        out.append(
            f"{_article(terms, said.sources['effective_date'])} says it enters into force on "
            f"{said.effective_date.isoformat()}, but the effective date is "
            f"{terms.effective_date.isoformat()}"
        )
    rule = said.renewal.rule if said.renewal else terms.renewal.rule
    out.extend(_second_rules(terms, said.sources.get("renewal"), rule))
    return tuple(out)


def terms_from_text(
    package: Package,
    clauses: Mapping[str, str],
    *,
    effective_date: dt.date,
    term_days: int | None = None,
    renewal: Renewal | None = None,
    links: tuple[Link, ...] = (),
) -> OperativeTerms:
    """The operative terms of an agreed text: every lifecycle rule from its articles.

    ``term_days`` and ``renewal`` are what a form asked for: each must be ``None`` or equal to
    what the text says, and neither may be given when the text says nothing about it (a form
    cannot add a term the text does not hold; without a renewal article there is no renewal).

    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("term", ["120"]),
    ...                  Issue.discrete("renewal", ["by consent"])))
    >>> package = agenda.package({"term": "120", "renewal": "by consent"})
    >>> terms_from_text(package, {}, effective_date=dt.date(2022, 7, 22),
    ...                 renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.AgreementError: the agreed text's Article 2 ('renewal') says renewal is ...
    """
    said = derive_lifecycle(package, clauses)
    issues = package.agenda.issue_names

    def article(field_name: str) -> str:
        issue = said.sources[field_name]
        return f"the agreed text's Article {issues.index(issue) + 1} ({issue!r})"

    if said.term_days is None:
        raise AgreementError(
            "the agreed text has no article on the term (an agenda issue 'term' in days); "
            "an agreement cannot add a term the text does not hold"
        )
    if term_days is not None and term_days != said.term_days:
        raise AgreementError(
            f"{article('term_days')} says {said.term_days} days; the form cannot make it "
            f"{term_days}"
        )
    if renewal is not None and said.renewal is not None and renewal != said.renewal:
        raise AgreementError(
            f"{article('renewal')} says renewal is {said.renewal.rule.value}; the form cannot "
            f"make it {renewal.rule.value}"
        )
    if renewal is not None and said.renewal is None and renewal.rule is not RenewalRule.NONE:
        raise AgreementError(
            f"the agreed text has no article on renewal; the form cannot add "
            f"{renewal.rule.value} (add a 'renewal' issue to the agenda and agree on it)"
        )
    if said.effective_date is not None and effective_date != said.effective_date:
        raise AgreementError(
            f"{article('effective_date')} says it enters into force on "
            f"{said.effective_date.isoformat()}; the form cannot make it "
            f"{effective_date.isoformat()}"
        )
    wording = {
        issue: clauses.get(issue, "") or f"{issue}: {option}."
        for issue, option in package.options.items()
    }
    return OperativeTerms.from_package(
        package,
        wording,
        term_days=said.term_days,
        renewal=said.renewal or Renewal(RenewalRule.NONE),
        effective_date=effective_date,
        links=links,
    )
