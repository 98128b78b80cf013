"""The articles of a negotiating text: prose per language, [bracketed] alternatives, answers.

A version of the single text is an ordered tuple of :class:`Article` (preamble, operative
articles, final clauses). An article has an ``id`` that stays the same across versions (so
answers, amendments and redlines follow it), may be tied to an agenda ``issue``, and then either
takes the wording of the ``option`` chosen for that issue or, while the issue is open, carries two
or more bracketed :class:`Alternative` s. Wording is per language code (``{"en": ..., "uk": ...}``).

Parties answer per article (:class:`ArticleAnswer`): agree, can live with, or cannot accept
(:class:`Stance`), per alternative where there are brackets, with a reason and optionally
proposed wording (an amendment anchored to the article).

:func:`check_articles` lists what stops a version from going out (an empty article, wording that
belongs to another option than the chosen one, ...) as :class:`ArticleProblem` s naming each
article; :func:`wording_owner` says which option a wording belongs to.

The module is pure: no clock, no I/O.

>>> from gobetween.model import Agenda, Issue, Option
>>> ports = Issue("ports", (Option("one", wording={"en": "Odesa only."}),
...                         Option("three", wording={"en": "Odesa, Chornomorsk, Yuzhny."})))
>>> agenda = Agenda((ports,))
>>> article = Article.for_option("art-ports", ports, "one")
>>> article.wording["en"], article.option
('Odesa only.', 'one')
>>> bad = Article("art-ports", ArticleKind.OPERATIVE, issue="ports", option="one",
...               wording={"en": "Odesa, Chornomorsk, Yuzhny."})
>>> [p.message for p in check_articles(agenda, agenda.package({"ports": "one"}), (bad,))]
["the en wording belongs to option 'three', not to the chosen option 'one'"]
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gobetween.errors import (
    N_,
    Count,
    InvalidAgenda,
    Named,
    NamedLanguage,
    ProtocolError,
    Sentence,
    ValidationFailed,
)
from gobetween.model import Agenda, Issue, Package
from gobetween.model.agenda import check_wording
from gobetween.protocols import _common as c

__all__ = [
    "ARTICLE_ID",
    "MAX_ARTICLES",
    "MAX_WORDING_CHARS",
    "NO_REASON",
    "Alternative",
    "Article",
    "ArticleAnswer",
    "ArticleKind",
    "ArticleProblem",
    "Stance",
    "article_answers_from_wire",
    "articles_from_package",
    "articles_from_wire",
    "check_article_answers",
    "check_articles",
    "raise_problems",
    "wording_of",
    "wording_owner",
]

#: An article id: letters, digits, ``-`` and ``_``, starting with a letter (``art-6``).
ARTICLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
#: Bounds on what one version may carry (anything one user can start is bounded).
MAX_ARTICLES = 200
MAX_WORDING_CHARS = 20_000


class ArticleKind(enum.StrEnum):
    """Where an article stands in the text."""

    PREAMBLE = "preamble"
    OPERATIVE = "operative"
    FINAL = "final"


class Stance(enum.StrEnum):
    """A party's answer to one article (or one bracketed alternative of it)."""

    AGREE = "agree"
    CAN_LIVE_WITH = "can_live_with"
    CANNOT_ACCEPT = "cannot_accept"


#: The refusal of an article answered "cannot accept" without a reason.
NO_REASON = N_("article %(article)s: say why it cannot be accepted")
#: The refusals of a kind or a stance that is none of its vocabulary's.
_NOT_A_KIND = N_("article %(id)s: kind %(kind)r is not preamble, operative or final")
_NOT_A_STANCE = N_("article %(article)s: %(stance)r is not agree, can_live_with or cannot_accept")


def _wording(value: object, location: str) -> Mapping[str, str]:
    try:
        result = check_wording(value, location)
    except InvalidAgenda as exc:
        raise ProtocolError(str(exc)) from None
    for language, text in result.items():
        if len(text) > MAX_WORDING_CHARS:
            raise ProtocolError(
                N_(
                    "%(location)s: the %(language)s wording has %(n_text)s characters (at most "
                    "%(limit)s)"
                ),
                params={
                    "location": location,
                    "language": language,
                    "n_text": Count(len(text)),
                    "limit": Count(MAX_WORDING_CHARS),
                },
            )
    return result


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Alternative:
    """One bracketed alternative of an open article: an option of its issue (or free wording)."""

    option: str | None
    wording: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wording", _wording(self.wording, "an alternative"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"option": self.option, "wording": dict(self.wording)}


@dataclass(frozen=True)
class Article:
    """One article of a text version.

    ``option`` is the chosen option of ``issue`` (``None`` for an article not tied to an issue,
    and while the article is bracketed); ``wording`` is its text per language;
    ``alternatives`` holds the bracketed alternatives (two or more) while the issue is open, and
    then ``wording`` is empty.
    """

    id: str
    kind: ArticleKind = ArticleKind.OPERATIVE
    heading: Mapping[str, str] = field(default_factory=dict)
    issue: str | None = None
    option: str | None = None
    wording: Mapping[str, str] = field(default_factory=dict)
    alternatives: tuple[Alternative, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not ARTICLE_ID.match(self.id):
            raise ProtocolError(
                N_(
                    "article id %(id)r is not valid (a letter, then up to 63 letters, digits, '-' "
                    "or '_')"
                ),
                params={"id": self.id},
            )
        kind = c.choice(ArticleKind, self.kind, _NOT_A_KIND, id=self.id, kind=self.kind)
        object.__setattr__(self, "kind", kind)
        where = f"article {self.id}"
        object.__setattr__(self, "heading", _wording(self.heading, f"{where}, heading"))
        object.__setattr__(self, "wording", _wording(self.wording, where))
        object.__setattr__(self, "alternatives", tuple(self.alternatives))
        if self.alternatives and self.wording:
            raise ProtocolError(
                N_("article %(article)s: a bracketed article has no wording of its own"),
                params={"article": self.id},
            )
        if self.alternatives and self.option is not None:
            raise ProtocolError(
                N_("article %(article)s: a bracketed article has no chosen option yet"),
                params={"article": self.id},
            )
        if self.option is not None and self.issue is None:
            raise ProtocolError(
                N_("article %(article)s: an option is chosen but no issue is named"),
                params={"article": self.id},
            )

    @classmethod
    def for_option(
        cls,
        article_id: str,
        issue: Issue,
        option: str,
        *,
        kind: ArticleKind = ArticleKind.OPERATIVE,
    ) -> Article:
        """The article for ``issue`` with ``option`` chosen and that option's prepared wording."""
        chosen = issue.options[issue.index(option)]
        return cls(article_id, kind, issue=issue.name, option=option, wording=chosen.wording)

    @property
    def bracketed(self) -> bool:
        """Whether the article still carries bracketed alternatives."""
        return bool(self.alternatives)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the article has wording in (every alternative's, while bracketed)."""
        if not self.alternatives:
            return tuple(self.wording)
        common = set.intersection(*(set(a.wording) for a in self.alternatives))
        return tuple(sorted(common))

    def text(self, language: str) -> str:
        """The article's text in ``language`` with its brackets: ``[A] [B]``; empty if none."""
        if not self.alternatives:
            return self.wording.get(language, "")
        return " ".join(f"[{a.wording.get(language, '')}]" for a in self.alternatives)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the wire form inside events)."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "heading": dict(self.heading),
            "issue": self.issue,
            "option": self.option,
            "wording": dict(self.wording),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class ArticleAnswer:
    """A party's answer to one article: a stance, per alternative where bracketed.

    ``alternative`` is the index of the bracketed alternative answered (``None`` for a settled
    article); ``proposed`` is wording the party proposes instead (an amendment anchored to the
    article), per language.
    """

    article: str
    stance: Stance
    alternative: int | None = None
    reason: str = ""
    proposed: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        stance = c.choice(
            Stance, self.stance, _NOT_A_STANCE, article=self.article, stance=self.stance
        )
        object.__setattr__(self, "stance", stance)
        if not isinstance(self.reason, str) or len(self.reason) > MAX_WORDING_CHARS:
            raise ProtocolError(
                N_("article %(article)s: the reason must be text"), params={"article": self.article}
            )
        where = f"article {self.article}, proposed wording"
        object.__setattr__(self, "proposed", _wording(self.proposed, where))
        if self.stance is Stance.CANNOT_ACCEPT and not self.reason.strip():
            raise ProtocolError(NO_REASON, params={"article": self.article})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "article": self.article,
            "stance": self.stance.value,
            "alternative": self.alternative,
            "reason": self.reason,
            "proposed": dict(self.proposed),
        }


@dataclass(frozen=True)
class ArticleProblem:
    """Why a version cannot go out, for one article: ``why`` is a
    :class:`~gobetween.errors.Sentence` (translated where it is shown), ``message`` its English.
    """

    article: str
    why: Sentence

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return str(self.why)

    def sentence(self) -> Sentence:
        """``article <id>: <what is wrong>``, for translation."""
        return Sentence(
            N_("article %(article)s: %(problem)s"), {"article": self.article, "problem": self.why}
        )

    def __str__(self) -> str:
        return str(self.sentence())


def wording_owner(issue: Issue, language: str, text: str) -> str | None:
    """The option of ``issue`` whose ``language`` wording is ``text`` (spacing aside): its prepared
    wording, or for an option without, its :meth:`~gobetween.model.Issue.default_clause` in that
    language; the default clause as written (the only one before issues had names in other
    languages) belongs to its option in every language.

    >>> from gobetween.model import Issue, Option
    >>> issue = Issue("renewal", (Option("consent", wording={"en": "By consent."}),
    ...                           Option("automatic", wording={"en": "Renewed unless notice."})))
    >>> wording_owner(issue, "en", "Renewed  unless notice."), wording_owner(issue, "en", "New.")
    ('automatic', None)
    """
    wanted = _norm(text)
    for option in issue.options:
        own = (issue.clause_of(option.name, language), issue.default_clause(option.name))
        if wanted in (_norm(own[0]), _norm(own[1])):
            return option.name
    return None


def _named(issue: Issue, option: str | None) -> Named | None:
    """An option among a problem's values, with the names readers call it by."""
    if option is None or not issue.has_option(option):
        return None if option is None else Named(option)
    return Named(option, issue.options[issue.index(option)].names)


def _check_one(agenda: Agenda, package: Package, article: Article) -> list[Sentence]:
    out: list[Sentence] = []
    if not article.bracketed and not any(t.strip() for t in article.wording.values()):
        out.append(Sentence(N_("the article is empty (it has no wording in any language)")))
    if article.issue is None:
        return out
    if not agenda.has_issue(article.issue):
        return [Sentence(N_("issue %(issue)r is not on the agenda"), {"issue": article.issue})]
    issue = agenda.issue(article.issue)
    if article.bracketed:
        if len(article.alternatives) < 2:
            out.append(Sentence(N_("brackets need at least two alternatives")))
        for k, alt in enumerate(article.alternatives, start=1):
            if alt.option is not None and not issue.has_option(alt.option):
                out.append(
                    Sentence(
                        N_("alternative %(k)s names %(option)r, not an option of the issue"),
                        {"k": k, "option": alt.option},
                    )
                )
            if not any(t.strip() for t in alt.wording.values()):
                out.append(Sentence(N_("alternative %(k)s is empty"), {"k": k}))
            for language, text in alt.wording.items():  # the same rule as a settled article's
                owner = wording_owner(issue, language, text)
                if owner is not None and alt.option is not None and owner != alt.option:
                    out.append(
                        Sentence(
                            N_(
                                "the %(language)s wording of alternative %(k)s belongs to "
                                "option %(owner)r, not to its option %(option)r"
                            ),
                            {
                                "language": NamedLanguage(language),
                                "k": k,
                                "owner": _named(issue, owner),
                                "option": _named(issue, alt.option),
                            },
                        )
                    )
        return out
    chosen = package.option(article.issue)
    if article.option is None:
        out.append(
            Sentence(
                N_("no option is chosen (the package says %(chosen)r)"),
                {"chosen": _named(issue, chosen)},
            )
        )
    elif article.option != chosen:
        out.append(
            Sentence(
                N_("the article says option %(option)r, the package %(chosen)r"),
                {"option": _named(issue, article.option), "chosen": _named(issue, chosen)},
            )
        )
    for language, text in article.wording.items():
        owner = wording_owner(issue, language, text)
        if owner is not None and owner != article.option:
            out.append(
                Sentence(
                    N_(
                        "the %(language)s wording belongs to option %(owner)r, not to the "
                        "chosen option %(option)r"
                    ),
                    {
                        "language": NamedLanguage(language),
                        "owner": _named(issue, owner),
                        "option": _named(issue, article.option),
                    },
                )
            )
    return out


def check_articles(
    agenda: Agenda, package: Package, articles: Sequence[Article]
) -> tuple[ArticleProblem, ...]:
    """Everything that stops ``articles`` from going out with ``package``, per article.

    Checks: distinct ids, at most one article per issue, no empty article, a settled article's
    option is the package's, its wording belongs to no other option, brackets have two or more
    non-empty alternatives of the issue's options, each worded (prepared or edited) in words
    that belong to no other option than its own.
    """
    problems: list[ArticleProblem] = []
    if len(articles) > MAX_ARTICLES:
        too_many = N_("%(count)s articles (at most %(most)s)")
        return (
            ArticleProblem("*", Sentence(too_many, {"count": len(articles), "most": MAX_ARTICLES})),
        )
    seen_ids: set[str] = set()
    seen_issues: dict[str, str] = {}
    for article in articles:
        if article.id in seen_ids:
            same = Sentence(N_("another article has the same id"))
            problems.append(ArticleProblem(article.id, same))
        seen_ids.add(article.id)
        if article.issue is not None:
            if article.issue in seen_issues:
                other = seen_issues[article.issue]
                twice = Sentence(
                    N_("issue %(issue)r is already in article %(other)s"),
                    {"issue": article.issue, "other": other},
                )
                problems.append(ArticleProblem(article.id, twice))
            seen_issues[article.issue] = article.id
        problems.extend(ArticleProblem(article.id, m) for m in _check_one(agenda, package, article))
    return tuple(problems)


def raise_problems(problems: Iterable[ArticleProblem]) -> None:
    """Raise one :class:`~gobetween.errors.ValidationFailed` naming every article at fault."""
    found = tuple(problems)
    if found:
        raise ValidationFailed(
            N_("the text cannot go out: %(problems)s"),
            location="articles[" + ",".join(dict.fromkeys(p.article for p in found)) + "]",
            expected=N_("every article with wording, and wording of the chosen option"),
            params={"problems": tuple(p.sentence() for p in found)},
        )


def wording_of(agenda: Agenda, articles: Sequence[Article]) -> dict[str, dict[str, str | None]]:
    """Per article tied to an issue, per language: the option its wording belongs to
    (:func:`wording_owner`; ``None`` for wording the mediators wrote themselves); a bracketed
    article's alternatives under ``"<article id>/<k>"`` (``k`` from 1)."""
    out: dict[str, dict[str, str | None]] = {}
    for article in articles:
        if article.issue is None or not agenda.has_issue(article.issue):
            continue
        issue = agenda.issue(article.issue)
        out[article.id] = {
            language: wording_owner(issue, language, text)
            for language, text in article.wording.items()
        }
        for k, alt in enumerate(article.alternatives, start=1):
            out[f"{article.id}/{k}"] = {
                language: wording_owner(issue, language, text)
                for language, text in alt.wording.items()
            }
    return out


def check_article_answers(
    version: int,
    articles: Sequence[Article],
    answers: object,
    *,
    whole_accepted: bool,
) -> tuple[ArticleAnswer, ...]:
    """Validate a party's per-article ``answers`` to version ``version`` (its ``articles``).

    Every answer names an article of the version; a bracketed article is answered per
    alternative (an index), a settled one without; no article (or alternative) twice. When the
    whole text is accepted, no article may be bracketed nor answered *cannot accept*.
    """
    if isinstance(answers, str) or not isinstance(answers, Iterable):
        raise ProtocolError("article answers must be a sequence of ArticleAnswer objects")
    given = tuple(answers)
    by_id = {a.id: a for a in articles}
    seen: set[tuple[str, int | None]] = set()
    for answer in given:
        if not isinstance(answer, ArticleAnswer):
            raise ProtocolError("article answers must be ArticleAnswer objects")
        article = by_id.get(answer.article)
        if article is None:
            raise ProtocolError(
                N_("version %(version)s has no article %(article)r (its articles: %(articles)s)"),
                params={
                    "version": version,
                    "article": answer.article,
                    "articles": ", ".join(by_id),
                },
            )
        _check_alternative(article, answer.alternative)
        key = (answer.article, answer.alternative)
        if key in seen:
            raise ProtocolError(
                N_("article %(article)s is answered twice"), params={"article": article.id}
            )
        seen.add(key)
    if whole_accepted:
        bracketed = [a.id for a in articles if a.bracketed]
        if bracketed:
            raise ProtocolError(
                N_(
                    "version %(version)s still has bracketed articles (%(articles)s): answer "
                    "them article by article; the text can be accepted once settled"
                ),
                params={"version": version, "articles": ", ".join(bracketed)},
            )
        refused = [a.article for a in given if a.stance is Stance.CANNOT_ACCEPT]
        if refused:
            raise ProtocolError(
                N_("the text cannot be accepted while articles are not: %(articles)s"),
                params={"articles": ", ".join(refused)},
            )
    return given


def _check_alternative(article: Article, alternative: int | None) -> None:
    if article.bracketed:
        if alternative is None or not 0 <= alternative < len(article.alternatives):
            raise ProtocolError(
                N_(
                    "article %(article)s is bracketed: answer one of its %(count)s "
                    "alternatives (0 to %(last)s)"
                ),
                params={
                    "article": article.id,
                    "count": len(article.alternatives),
                    "last": len(article.alternatives) - 1,
                },
            )
    elif alternative is not None:
        raise ProtocolError(
            N_("article %(article)s has no bracketed alternatives"), params={"article": article.id}
        )


def articles_from_package(
    agenda: Agenda, package: Package, clauses: Mapping[str, str], language: str = "en"
) -> tuple[Article, ...]:
    """One operative article per issue: the clause given, else the option's prepared wording.

    This is how a version published before articles existed reads as articles (its clause text
    is taken to be in ``language``), and how a first draft starts.

    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> [a.to_dict()["wording"] for a in articles_from_package(agenda, agenda.package({"a": "y"}),
    ...                                                        {"a": "Y it is."})]
    [{'en': 'Y it is.'}]
    """
    out = []
    for n, issue in enumerate(agenda.issues, start=1):
        option = package.option(issue.name)
        article = Article.for_option(f"art-{n}", issue, option)
        if clauses.get(issue.name):
            article = replace(article, wording={**article.wording, language: clauses[issue.name]})
        out.append(article)
    return tuple(out)


def _str_map(value: object, what: str) -> Mapping[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProtocolError(
            N_("%(what)s must be an object of language code to text"), params={"what": what}
        )
    return {str(k): v for k, v in value.items()}


def articles_from_wire(data: object) -> tuple[Article, ...]:
    """Read articles back from their ``to_dict()`` form (events, API bodies, drafts)."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ProtocolError(N_("articles must be a list"))
    if len(data) > MAX_ARTICLES:
        raise ProtocolError(
            N_("%(count)s articles (at most %(limit)s)"),
            params={"count": len(data), "limit": MAX_ARTICLES},
        )
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise ProtocolError(N_("articles[%(index)s] must be an object"), params={"index": i})
        alternatives = item.get("alternatives") or []
        if not isinstance(alternatives, list):
            raise ProtocolError(
                N_("articles[%(index)s].alternatives must be a list"), params={"index": i}
            )
        out.append(
            Article(
                item.get("id"),  # type: ignore[arg-type]  # Article checks it is a valid id
                item.get("kind", "operative"),
                _str_map(item.get("heading"), f"articles[{i}].heading"),
                item.get("issue"),
                item.get("option"),
                _str_map(item.get("wording"), f"articles[{i}].wording"),
                tuple(
                    Alternative(
                        a.get("option") if isinstance(a, Mapping) else None,
                        _str_map(
                            a.get("wording") if isinstance(a, Mapping) else None,
                            f"articles[{i}].alternatives[{k}]",
                        ),
                    )
                    for k, a in enumerate(alternatives)
                ),
            )
        )
    return tuple(out)


def article_answers_from_wire(data: object) -> tuple[ArticleAnswer, ...]:
    """Read per-article answers back from their ``to_dict()`` form."""
    if data is None:
        return ()
    if not isinstance(data, list) or len(data) > 4 * MAX_ARTICLES:
        raise ProtocolError(
            N_("article answers must be a list of at most %(limit)s"),
            params={"limit": 4 * MAX_ARTICLES},
        )
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise ProtocolError(
                N_("article answers[%(index)s] must be an object"), params={"index": i}
            )
        alternative = item.get("alternative")
        if alternative is not None and (
            isinstance(alternative, bool) or not isinstance(alternative, int)
        ):
            raise ProtocolError(
                N_("article answers[%(index)s].alternative must be a number or null"),
                params={"index": i},
            )
        out.append(
            ArticleAnswer(
                str(item.get("article", "")),
                item.get("stance"),  # type: ignore[arg-type]  # ArticleAnswer checks the stance
                alternative,
                str(item.get("reason", "")),
                _str_map(item.get("proposed"), f"article answers[{i}].proposed"),
            )
        )
    return tuple(out)
