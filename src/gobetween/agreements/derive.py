"""Lifecycle terms derived from the agreed text, and the check that an instrument agrees with it.

An agreement's term, renewal rule, notice period, entry into force and linked instruments come
from the articles of the agreed text and nowhere else. An agenda issue says which rule it settles
(:attr:`gobetween.model.Issue.settles`, whatever the issue is called: "süre" may set the term);
for a rule no issue declares, one mapping of issue names, :data:`LIFECYCLE_ISSUES`, says which
issue holds it (:func:`lifecycle_issues`: the agendas written before issues declared it);
:data:`RENEWAL_WORDS` says which words of a renewal option (or of its clause) name which
:class:`~gobetween.agreements.terms.RenewalRule`. Without a renewal issue, the renewal rule is
the one the term article's clause states, if it states one (the Black Sea
Grain Initiative's term article said how it was extended); otherwise there is no renewal.

- :func:`derive_lifecycle` reads the rules out of the chosen options (what the agreement form
  shows and cannot change);
- an article on *linked instruments* (:data:`LINK_ISSUES`) states the side instruments the
  agreement is linked to: its option names the instrument (an option such as "none" states
  that there is none), and a 64-digit terms hash in its wording pins the instrument exactly
  (:class:`StatedLink`); the service finds the instrument the text names, and a form can neither
  add a link the text does not state nor leave out one it does;
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

Refusals are raised with their English template marked :func:`~gobetween.errors.N_` and its
values in ``params``, so the service says them in the caller's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gobetween.agreements.terms import Link, OperativeTerms, Renewal, RenewalRule
from gobetween.errors import N_, AgreementError, Sentence
from gobetween.model import Agenda, Settles
from gobetween.model.package import Package

__all__ = [
    "LIFECYCLE_ISSUES",
    "LINK_ISSUES",
    "RENEWAL_WORDS",
    "StatedLink",
    "TextLifecycle",
    "consistency_problems",
    "contradictions",
    "derive_lifecycle",
    "lifecycle_issues",
    "link_problems",
    "renewal_rule_named",
    "terms_from_text",
]

#: The one declared mapping from agenda issue to lifecycle rule (issue names, case-insensitive).
LIFECYCLE_ISSUES: Mapping[str, str] = {
    "term": "term_days",
    "renewal": "renewal",
    "notice": "notice_days",
    "entry into force": "effective_date",
    "linked instruments": "links",
    "linked instrument": "links",
    "side instruments": "links",
    "linked export facilitation": "links",  # the Black Sea agenda's name for it
}

#: The issues (by name, folded) whose article states the linked instruments.
LINK_ISSUES = frozenset(name for name, field in LIFECYCLE_ISSUES.items() if field == "links")

#: An option of a linked-instruments issue that states there is no linked instrument.
_NO_LINK = re.compile(r"^\s*(none|no|nothing)\b|\bnot linked\b|^\s*without\b")
_HASH = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")

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
class StatedLink:
    """A linked instrument as the agreed text states it: the option's ``name`` and, when the
    article's wording gives one, the instrument's ``terms_hash`` (which then decides)."""

    name: str
    terms_hash: str | None = None

    def matches(self, link: Link) -> bool:
        """Whether ``link`` is the instrument stated: by terms hash if stated, else by title."""
        if self.terms_hash is not None:
            return link.terms_hash == self.terms_hash
        return _fold(link.title).strip() == _fold(self.name).strip()

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form (the agreement form shows it)."""
        return {"name": self.name, "terms_hash": self.terms_hash}


@dataclass(frozen=True)
class TextLifecycle:
    """What the agreed text says about the lifecycle; ``None`` where it says nothing.

    ``sources`` maps each lifecycle field to the issue (article) it was read from. ``links`` is
    ``None`` without an article on linked instruments, ``()`` when it states there are none.
    """

    term_days: int | None
    renewal: Renewal | None
    sources: Mapping[str, str]
    effective_date: dt.date | None = None
    links: tuple[StatedLink, ...] | None = None


def _stated_links(option: str, clause: str) -> tuple[StatedLink, ...]:
    if _NO_LINK.search(_fold(option)):
        return ()
    hashes = list(dict.fromkeys(_HASH.findall(f"{option} {clause}")))
    if not hashes:
        return (StatedLink(option),)
    return tuple(StatedLink(option, h) for h in hashes)


#: The lifecycle field of :class:`TextLifecycle` each declared rule fills.
_FIELDS: Mapping[Settles, str] = {
    Settles.TERM: "term_days",
    Settles.RENEWAL: "renewal",
    Settles.NOTICE: "notice_days",
    Settles.ENTRY_INTO_FORCE: "effective_date",
    Settles.LINKED_INSTRUMENTS: "links",
}


def _by_names(issues: tuple[str, ...], taken: Mapping[str, str] | None = None) -> dict[str, str]:
    """Lifecycle field -> the first of ``issues`` named for it (:data:`LIFECYCLE_ISSUES`),
    for the fields ``taken`` (field -> issue) does not hold already."""
    found = dict(taken or {})
    for issue in issues:
        field_name = LIFECYCLE_ISSUES.get(_fold(issue).strip())
        if field_name is not None and field_name not in found:
            found[field_name] = issue
    return found


def lifecycle_issues(agenda: Agenda) -> dict[Settles, str]:
    """Which issue of ``agenda`` settles each lifecycle rule of the agreement: the issue that
    declares it (:attr:`~gobetween.model.Issue.settles`), else, among the issues that declare
    none, the one named for it (:data:`LIFECYCLE_ISSUES`); rules no issue settles are left out.

    >>> from gobetween.model import Issue
    >>> agenda = Agenda((Issue.discrete("süre", ["60", "120"], settles=Settles.TERM),
    ...                  Issue.discrete("renewal", ["by consent", "automatic"])))
    >>> {rule.value: issue for rule, issue in lifecycle_issues(agenda).items()}
    {'term': 'süre', 'renewal': 'renewal'}
    """
    declared = {_FIELDS[i.settles]: i.name for i in agenda.issues if i.settles is not None}
    found = _by_names(tuple(i.name for i in agenda.issues if i.settles is None), declared)
    return {rule: found[field_name] for rule, field_name in _FIELDS.items() if field_name in found}


def _lifecycle_from_options(
    options: Mapping[str, str],
    clauses: Mapping[str, str] | None = None,
    found: Mapping[str, str] | None = None,
) -> TextLifecycle:
    """What ``options`` (with their ``clauses``) say; ``found`` maps each lifecycle field to
    its issue (by default the issues named for one, :data:`LIFECYCLE_ISSUES`)."""
    found = _by_names(tuple(options)) if found is None else found
    sources: dict[str, str] = {}
    term_days = None
    if (term_issue := found.get("term_days")) is not None:
        term_days = _days(options[term_issue])
        if term_days is None:
            raise AgreementError(
                N_("the article on %(issue)r says %(option)r, not a number of days"),
                params={"issue": term_issue, "option": options[term_issue]},
            )
        sources["term_days"] = term_issue
    renewal = None
    if (renewal_issue := found.get("renewal")) is not None:
        rule = renewal_rule_named(options[renewal_issue])
        if rule is None and clauses is not None:
            rule = renewal_rule_named(clauses.get(renewal_issue, ""))
        if rule is None:
            raise AgreementError(
                N_(
                    "the option %(option)r of %(issue)r names no renewal rule (say 'consent', "
                    "'automatic' or 'no renewal')"
                ),
                params={"option": options[renewal_issue], "issue": renewal_issue},
            )
        notice = 0
        if (notice_issue := found.get("notice_days")) is not None:
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
    if (entry_issue := found.get("effective_date")) is not None:
        effective = _date(options[entry_issue])  # "on signature": the date it is signed
        if effective is not None:
            sources["effective_date"] = entry_issue
    links = None
    if (link_issue := found.get("links")) is not None:
        clause = (clauses or {}).get(link_issue, "")
        links = _stated_links(options[link_issue], clause)
        sources["links"] = link_issue
    return TextLifecycle(term_days, renewal, sources, effective, links)


def _date(text: str) -> dt.date | None:
    match = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def derive_lifecycle(package: Package, clauses: Mapping[str, str] | None = None) -> TextLifecycle:
    """The term and renewal rule the agreed ``package`` (with its ``clauses``) holds, each read
    from the issue that settles it (:func:`lifecycle_issues`)."""
    found = {_FIELDS[rule]: issue for rule, issue in lifecycle_issues(package.agenda).items()}
    return _lifecycle_from_options(package.options, clauses, found)


def _article(terms: OperativeTerms, issue: str) -> Sentence:
    return Sentence(
        N_("Article %(number)s (%(issue)r)"),
        {"number": terms.issues.index(issue) + 1, "issue": issue},
    )


def _second_rules(
    terms: OperativeTerms, renewal_issue: str | None, rule: RenewalRule
) -> list[Sentence]:
    out = []
    for issue in terms.issues:
        if issue == renewal_issue or not _RENEWAL_STATEMENT.search(terms.clauses[issue]):
            continue
        stated = renewal_rule_named(terms.clauses[issue])
        if stated is not None and stated is not rule:
            first = (
                _article(terms, renewal_issue)
                if renewal_issue
                else Sentence(N_("the renewal setting"))
            )
            out.append(
                Sentence(
                    N_(
                        "%(first)s says renewal is %(rule)s, but %(article)s says %(stated)s: "
                        "one rule per term"
                    ),
                    {
                        "first": first,
                        "rule": rule.value,
                        "article": _article(terms, issue),
                        "stated": stated.value,
                    },
                )
            )
    return out


def consistency_problems(terms: OperativeTerms) -> tuple[str, ...]:
    """What makes ``terms`` contradict themselves, in English; empty when consistent
    (:func:`contradictions` gives the same sentences marked for translation).

    >>> import datetime as dt
    >>> t = OperativeTerms("g", {"renewal": "by consent", "ports": "three"},
    ...     {"renewal": "Renewal by consent of every party.",
    ...      "ports": "Three ports. The initiative is renewed automatically."},
    ...     120, Renewal(RenewalRule.BY_CONSENT), dt.date(2022, 7, 22))
    >>> consistency_problems(t)  # doctest: +NORMALIZE_WHITESPACE
    ("Article 1 ('renewal') says renewal is by_consent, but Article 2 ('ports') says
      automatic_unless_notice: one rule per term",)
    """
    return tuple(str(problem) for problem in contradictions(terms))


def contradictions(terms: OperativeTerms) -> tuple[Sentence, ...]:
    """What makes ``terms`` contradict themselves, each a :class:`~gobetween.errors.Sentence`
    (marked :func:`~gobetween.errors.N_`, so a reader sees it in their language); empty when
    consistent.

    >>> import datetime as dt
    >>> t = OperativeTerms("g", {"term": "90"}, {"term": "The term is 90 days."},
    ...     120, Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> [problem.template for problem in contradictions(t)]
    ['%(article)s says a term of %(said)s days, but the term setting is %(setting)s days']
    >>> str(contradictions(t)[0])
    "Article 1 ('term') says a term of 90 days, but the term setting is 120 days"
    """
    out: list[Sentence] = []
    try:
        said = _lifecycle_from_options(terms.options, terms.clauses)
    except AgreementError as exc:
        return (Sentence(exc.template, exc.params),)
    if said.term_days is not None and said.term_days != terms.term_days:
        out.append(
            Sentence(
                N_(
                    "%(article)s says a term of %(said)s days, but the term setting is "
                    "%(setting)s days"
                ),
                {
                    "article": _article(terms, said.sources["term_days"]),
                    "said": said.term_days,
                    "setting": terms.term_days,
                },
            )
        )
    if said.renewal is not None and said.renewal != terms.renewal:
        values = {
            "article": _article(terms, said.sources["renewal"]),
            "said": said.renewal.rule.value,
            "setting": terms.renewal.rule.value,
            "days": terms.renewal.notice_days,
        }
        out.append(
            Sentence(
                N_(
                    "%(article)s says renewal is %(said)s, but the renewal setting is "
                    "%(setting)s with %(days)s days' notice"
                ),
                values,
            )
            if terms.renewal.rule is RenewalRule.AUTOMATIC_UNLESS_NOTICE
            else Sentence(
                N_("%(article)s says renewal is %(said)s, but the renewal setting is %(setting)s"),
                values,
            )
        )
    if said.effective_date is not None and said.effective_date != terms.effective_date:
        out.append(
            Sentence(
                N_(
                    "%(article)s says it enters into force on %(said)s, but the effective date "
                    "is %(setting)s"
                ),
                {
                    "article": _article(terms, said.sources["effective_date"]),
                    "said": said.effective_date.isoformat(),
                    "setting": terms.effective_date.isoformat(),
                },
            )
        )
    rule = said.renewal.rule if said.renewal else terms.renewal.rule
    out.extend(_second_rules(terms, said.sources.get("renewal"), rule))
    if said.links is not None:
        out.extend(link_problems(said.links, terms.links, _article(terms, said.sources["links"])))
    elif terms.links:
        out.append(
            Sentence(
                N_(
                    "the instrument links %(titles)s, but no article of its text states a "
                    "linked instrument"
                ),
                {"titles": _titles(terms.links)},
            )
        )
    return tuple(out)


def _titles(links: tuple[Link, ...]) -> str:
    return ", ".join(repr(link.title) for link in links)


def _stated_names(stated: tuple[StatedLink, ...]) -> str:
    return ", ".join(
        repr(s.name) + (f" (terms hash {s.terms_hash[:16]}…)" if s.terms_hash else "")
        for s in stated
    )


def _stated(link: StatedLink) -> Sentence:
    """One linked instrument an article states, with the start of its terms hash if it pins one."""
    if link.terms_hash:
        return Sentence(
            N_("%(name)r (terms hash %(hash)s…)"), {"name": link.name, "hash": link.terms_hash[:16]}
        )
    return Sentence("%(name)r", {"name": link.name})


def link_problems(
    stated: tuple[StatedLink, ...], links: tuple[Link, ...], article: Sentence
) -> list[Sentence]:
    """How ``links`` differ from the linked instruments ``article`` states; empty when equal.

    >>> memo = Link("Memorandum", "ab" * 32)
    >>> article = Sentence(N_("Article %(number)s (%(issue)r)"),
    ...                    {"number": 5, "issue": "linked instruments"})
    >>> link_problems((StatedLink("memorandum"),), (memo,), article)
    []
    >>> [str(problem) for problem in link_problems((), (memo,), article)]
    ["Article 5 ('linked instruments') states no linked instrument, but the instrument links \
'Memorandum'"]
    """
    if not stated:
        if links:
            return [
                Sentence(
                    N_(
                        "%(article)s states no linked instrument, but the instrument links "
                        "%(titles)s"
                    ),
                    {"article": article, "titles": _titles(links)},
                )
            ]
        return []
    out = [
        Sentence(
            N_("%(article)s links %(stated)s, but the instrument does not"),
            {"article": article, "stated": _stated(s)},
        )
        for s in stated
        if not any(s.matches(link) for link in links)
    ]
    out.extend(
        Sentence(
            N_("the instrument links %(title)r, which %(article)s does not state"),
            {"title": link.title, "article": article},
        )
        for link in links
        if not any(s.matches(link) for s in stated)
    )
    return out


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
    ``links`` are the instruments the caller found for the text's article on linked
    instruments: exactly the ones it states (none without such an article).

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

    def at(field_name: str, **params: object) -> dict[str, object]:
        issue = said.sources[field_name]
        return {"number": issues.index(issue) + 1, "issue": issue, **params}

    if said.term_days is None:
        raise AgreementError(
            N_(
                "the agreed text has no article on the term: in the agenda editor, choose for "
                "the issue that sets it “In the agreement, this issue sets: how long it lasts "
                "(days)” (its options must be whole numbers of days); an agreement cannot "
                "add a term the text does not hold"
            )
        )
    if term_days is not None and term_days != said.term_days:
        raise AgreementError(
            N_(
                "the agreed text's Article %(number)s (%(issue)r) says %(days)s days; the form "
                "cannot make it %(asked)s"
            ),
            params=at("term_days", days=said.term_days, asked=term_days),
        )
    if renewal is not None and said.renewal is not None and renewal != said.renewal:
        raise AgreementError(
            N_(
                "the agreed text's Article %(number)s (%(issue)r) says renewal is %(rule)s; the "
                "form cannot make it %(asked)s"
            ),
            params=at("renewal", rule=said.renewal.rule.value, asked=renewal.rule.value),
        )
    if renewal is not None and said.renewal is None and renewal.rule is not RenewalRule.NONE:
        raise AgreementError(
            N_(
                "the agreed text has no article on renewal; the form cannot add %(asked)s (add a "
                "'renewal' issue to the agenda and agree on it)"
            ),
            params={"asked": renewal.rule.value},
        )
    if said.effective_date is not None and effective_date != said.effective_date:
        raise AgreementError(
            N_(
                "the agreed text's Article %(number)s (%(issue)r) says it enters into force on "
                "%(date)s; the form cannot make it %(asked)s"
            ),
            params=at(
                "effective_date",
                date=said.effective_date.isoformat(),
                asked=effective_date.isoformat(),
            ),
        )
    _check_links(said, links, at)
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


def _check_links(
    said: TextLifecycle, links: tuple[Link, ...], at: Callable[..., dict[str, object]]
) -> None:
    if said.links is None:
        if links:
            raise AgreementError(
                N_(
                    "the agreed text has no article on linked instruments; the form cannot add "
                    "%(given)s (add a 'linked instruments' issue to the agenda and agree on it)"
                ),
                params={"given": _titles(links)},
            )
        return
    if not said.links and links:
        raise AgreementError(
            N_(
                "the agreed text's Article %(number)s (%(issue)r) states no linked instrument; "
                "the form cannot add %(given)s"
            ),
            params=at("links", given=_titles(links)),
        )
    if said.links and link_problems(said.links, links, Sentence("-")):
        raise AgreementError(
            N_(
                "the agreed text's Article %(number)s (%(issue)r) links %(stated)s; the "
                "instruments given are %(given)s"
            ),
            params=at("links", stated=_stated_names(said.links), given=_titles(links) or "—"),
        )
