"""Language versions of an agreed text: one per working language, each complete.

An agreement made in several working languages carries the agreed text in every one of them,
each *equally authentic*. A :class:`LanguageVersion` is the text's articles (id, kind, heading
and wording) in one language; :func:`language_versions` builds them from the agreed articles
and refuses (with :class:`~gobetween.errors.ValidationFailed`, naming every article missing in
every language) when any language version is incomplete: an instrument is assembled only from
a text complete in all its languages.

The versions are part of the operative terms (:class:`~gobetween.agreements.terms.OperativeTerms`
``versions``), so the terms hash, and every signature, covers each of them.

>>> from gobetween.protocols.single_text_articles import Article
>>> arts = [Article("art-1", wording={"en": "Ports open.", "uk": "Порти відкриті."})]
>>> [v.language for v in language_versions(arts, ("en", "uk"))]
['en', 'uk']
>>> missing_articles(arts, ("en", "uk", "tr"))
{'tr': ('art-1',)}
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gobetween.errors import N_, AgreementError, ValidationFailed
from gobetween.model.languages import check_languages, language
from gobetween.protocols.single_text_articles import Article, ArticleKind

__all__ = [
    "LanguageVersion",
    "VersionArticle",
    "check_same_articles",
    "clause_versions",
    "language_versions",
    "missing_articles",
    "versions_from_dict",
    "versions_to_dict",
]


@dataclass(frozen=True, slots=True)
class VersionArticle:
    """One article of a language version: its stable id, kind, heading and wording."""

    id: str
    kind: str
    heading: str
    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise AgreementError(
                N_("article %(article)s: a language version needs its wording"),
                params={"article": self.id},
            )
        if self.kind not in {k.value for k in ArticleKind}:
            raise AgreementError(
                N_("article %(article)s: kind %(kind)r is unknown"),
                params={"article": self.id, "kind": self.kind},
            )

    def to_dict(self) -> dict[str, str]:
        """Plain JSON data."""
        return {"id": self.id, "kind": self.kind, "heading": self.heading, "text": self.text}


@dataclass(frozen=True, slots=True)
class LanguageVersion:
    """The agreed text in one working language (ISO 639-1 ``language``)."""

    language: str
    articles: tuple[VersionArticle, ...]

    def __post_init__(self) -> None:
        language(self.language)  # a registered working language
        object.__setattr__(self, "articles", tuple(self.articles))
        if not self.articles:
            raise AgreementError(
                N_("the %(language)s version has no article"), params={"language": self.language}
            )

    @property
    def ids(self) -> tuple[str, ...]:
        """The article ids in order."""
        return tuple(a.id for a in self.articles)


def _complete(article: Article, code: str) -> bool:
    if code not in article.languages or article.bracketed:
        return False
    return not article.heading or code in article.heading


def missing_articles(
    articles: Sequence[Article], languages: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Language -> ids of the articles without wording (or heading) in it (complete: left out)."""
    out: dict[str, tuple[str, ...]] = {}
    for code in languages:
        missing = tuple(a.id for a in articles if not _complete(a, code))
        if missing:
            out[code] = missing
    return out


def language_versions(
    articles: Sequence[Article], languages: Sequence[str]
) -> tuple[LanguageVersion, ...]:
    """The agreed ``articles`` in each working language, in the languages' order.

    Raises :class:`~gobetween.errors.ValidationFailed` (location ``languages``) naming every
    article missing in every language, when any language version is incomplete.
    """
    codes = check_languages(languages)
    if not articles:
        raise ValidationFailed(N_("the agreed text has no article"), location="articles")
    missing = missing_articles(articles, codes)
    if missing:
        listed = "; ".join(f"{code}: {', '.join(ids)}" for code, ids in missing.items())
        raise ValidationFailed(
            N_("the agreed text is not complete in every working language (%(missing)s)"),
            location="languages",
            expected=N_("every article worded in %(languages)s"),
            params={"missing": listed, "languages": ", ".join(codes)},
        )
    return tuple(
        LanguageVersion(
            code,
            tuple(
                VersionArticle(a.id, a.kind.value, a.heading.get(code, ""), a.wording[code])
                for a in articles
            ),
        )
        for code in codes
    )


def clause_versions(
    clauses: Mapping[str, str], versions: Sequence[LanguageVersion]
) -> dict[str, dict[str, str]]:
    """Each issue's clause in every language version: the one article whose wording in some
    version is the clause, read in each version (an issue whose clause is no article's wording,
    or the wording of more than one, gets none: nothing is guessed).

    The terms keep a clause per issue in one language (the article's English wording, else its
    first language's); the versions keep every article in every working language. This reads
    one through the other, so a delegation sees the signed clause in its own language.

    >>> en = LanguageVersion("en", (VersionArticle("a1", "operative", "", "Ports open."),))
    >>> uk = LanguageVersion("uk", (VersionArticle("a1", "operative", "", "Порти відкриті."),))
    >>> clause_versions({"ports": "Ports open.", "term": "120 days."}, (en, uk))
    {'ports': {'en': 'Ports open.', 'uk': 'Порти відкриті.'}, 'term': {}}
    """
    ids: dict[str, set[str]] = {}
    for version in versions:
        for article in version.articles:
            ids.setdefault(unicodedata.normalize("NFC", article.text), set()).add(article.id)
    out: dict[str, dict[str, str]] = {}
    for issue, clause in clauses.items():
        found = ids.get(unicodedata.normalize("NFC", clause), set())
        out[issue] = (
            {v.language: a.text for v in versions for a in v.articles if a.id in found}
            if len(found) == 1
            else {}
        )
    return out


def versions_to_dict(versions: Sequence[LanguageVersion]) -> dict[str, Any]:
    """The versions as plain JSON data: ``{"languages": [...], "versions": {code: [...]}}``."""
    return {
        "languages": [v.language for v in versions],
        "versions": {v.language: [a.to_dict() for a in v.articles] for v in versions},
    }


def versions_from_dict(data: Mapping[str, Any]) -> tuple[LanguageVersion, ...]:
    """Inverse of :func:`versions_to_dict`; every version must have the same articles."""
    codes = check_languages(data["languages"])
    raw = dict(data["versions"])
    if sorted(raw) != sorted(codes):
        raise AgreementError(N_("the language versions do not match the languages listed"))
    versions = tuple(
        LanguageVersion(
            code,
            tuple(
                VersionArticle(str(a["id"]), str(a["kind"]), str(a["heading"]), str(a["text"]))
                for a in raw[code]
            ),
        )
        for code in codes
    )
    check_same_articles(versions)
    return versions


def check_same_articles(versions: Sequence[LanguageVersion]) -> None:
    """Every language version has the same articles (ids and kinds) in the same order.

    >>> v = lambda code, *ids: LanguageVersion(code, tuple(
    ...     VersionArticle(i, "operative", "", "x") for i in ids))
    >>> check_same_articles([v("en", "a", "b"), v("uk", "a")])
    Traceback (most recent call last):
    ...
    gobetween.errors.AgreementError: the uk version has articles a, the en version a, b
    """
    if not versions:
        return
    first = versions[0]
    shape = [(a.id, a.kind) for a in first.articles]
    for version in versions[1:]:
        if [(a.id, a.kind) for a in version.articles] != shape:
            raise AgreementError(
                N_(
                    "the %(language)s version has articles %(value)s, the %(language2)s version "
                    "%(value2)s"
                ),
                params={
                    "language": version.language,
                    "value": ", ".join(version.ids),
                    "language2": first.language,
                    "value2": ", ".join(first.ids),
                },
            )
