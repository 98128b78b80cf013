"""Render a mirror instrument as one self-contained HTML page.

The page has the party's title and preamble, the operative terms (one article per issue, then the
term and renewal, the effective date and any linked instruments) and the signature block, with
the terms hash in a header that browsers repeat on every printed page (``position: fixed`` in
print media) and again under the title. Every text is HTML-escaped. Pure: instrument in, text out.

An instrument in several working languages is rendered as one section per language
(:func:`language_sections`: ``<section lang=".." dir="..">``, right to left for Arabic), each
with the instrument's title and preamble, the agreed articles and the signature block in that
language, and the final clause that makes every language version equally authentic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from gobetween.agreements import Instrument, Signatory, Signature
from gobetween.agreements.language_versions import LanguageVersion
from gobetween.model.languages import Language, equally_authentic_clause, language

__all__ = ["LanguageSection", "instrument_html", "language_sections", "operative_articles"]

_STYLE = """
body { font-family: "DejaVu Serif", Georgia, serif; max-width: 46em; margin: 3em auto 4em;
       line-height: 1.5; color: #111; }
header.terms-hash, footer.terms-hash { font: 0.75em "DejaVu Sans Mono", monospace; color: #444; }
header.terms-hash { border-bottom: 1px solid #999; padding-bottom: .3em; }
footer.terms-hash { border-top: 1px solid #999; padding-top: .3em; margin-top: 3em; }
h1 { font-size: 1.5em; text-align: center; }
article h2 { font-size: 1.05em; margin-bottom: .2em; }
table.signatures { width: 100%; margin-top: 2em; border-collapse: collapse; }
table.signatures td { padding: 2.5em .5em .3em; border-bottom: 1px solid #333;
                      vertical-align: bottom; }
@media print {
  header.terms-hash { position: fixed; top: 0; left: 0; right: 0; background: white; }
  footer.terms-hash { position: fixed; bottom: 0; left: 0; right: 0; background: white; }
  body { margin-top: 2.5em; }
}
"""


def operative_articles(instrument: Instrument) -> list[tuple[str, list[str]]]:
    """The operative terms as ``(heading, paragraphs)`` articles, in print order.

    Shared by the HTML and PDF renderings so that both say exactly the same.
    """
    terms = instrument.terms
    articles = [
        (issue, [terms.clauses[issue], f"Agreed option: {terms.options[issue]}."])
        for issue in terms.issues
    ]
    rule = str(terms.renewal.rule)
    days = terms.renewal.notice_days
    period = f"at least {days} day{'s' if days != 1 else ''} " if days else ""
    renewal = {
        "automatic_unless_notice": "It is renewed automatically for the same period unless a "
        f"party gives notice {period}before the term ends.",
        "by_consent": "It is renewed only with the consent of every signatory, for the term "
        "they all agree.",
        "none": "It is not renewed.",
    }[rule]
    articles.append(("Term and renewal", [f"The term is {terms.term_days} days.", renewal]))
    articles.append(
        (
            "Entry into force",
            [
                f"Effective date: {terms.effective_date.isoformat()}. The instrument enters into "
                "force when every signatory has signed."
            ],
        )
    )
    if terms.links:
        articles.append(
            (
                "Linked instruments",
                [
                    f"{link.title} ({link.relation}), terms hash {link.terms_hash}."
                    for link in terms.links
                ],
            )
        )
    return articles


@dataclass(frozen=True, slots=True)
class LanguageSection:
    """One language version of an instrument, as every rendering prints it.

    ``numbered`` are the articles as ``(number, heading, paragraphs)`` in print order
    (``("Article 2", "Ports", (...))``; the heading may be empty), :attr:`articles` the same with
    number and heading joined ("Article 2. Ports"); ``clause`` is the final "equally
    authentic" clause (empty for an instrument in one unnamed language, as made before working
    languages existed).
    """

    code: str
    lang: Language
    title: str
    preamble: tuple[str, ...]
    numbered: tuple[tuple[str, str, tuple[str, ...]], ...]
    clause: str

    @property
    def articles(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``(numbered heading, paragraphs)`` per article, in print order."""
        return tuple(
            (f"{number}. {heading}" if heading else number, paragraphs)
            for number, heading, paragraphs in self.numbered
        )

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.lang.direction == "rtl"

    def signatory_line(self, signatory: Signatory) -> str:
        """``For <organisation> (<role>)`` in this language."""
        role = signatory.signs_as or self.lang.label(str(signatory.kind))
        return self.lang.label("signatory", organisation=signatory.organisation, role=role)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("\n\n") if p.strip())


def _version_articles(
    lang: Language, version: LanguageVersion, instrument: Instrument
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    out = []
    number = 0
    for article in version.articles:
        if article.kind == "preamble":
            continue
        number += 1
        out.append((lang.article.format(number=number), article.heading, _paragraphs(article.text)))
    if instrument.terms.links:
        number += 1
        out.append(
            (
                lang.article.format(number=number),
                "",
                tuple(f"{link.title}: {link.terms_hash}" for link in instrument.terms.links),
            )
        )
    return tuple(out)


def language_sections(instrument: Instrument) -> list[LanguageSection]:
    """The instrument's language versions in order (one, in English, for a one-language one).

    >>> import datetime as dt
    >>> from gobetween.agreements import (OperativeTerms, Renewal, RenewalRule, Signatory,
    ...     mirror_instruments)
    >>> from gobetween.agreements.language_versions import LanguageVersion, VersionArticle
    >>> from gobetween.model import OrganisationKind as K
    >>> versions = tuple(LanguageVersion(code, (VersionArticle("a1", "operative", "", text),))
    ...                  for code, text in (("en", "Ports open."), ("uk", "Порти відкриті.")))
    >>> terms = OperativeTerms("corridor", {"ports": "three"}, {"ports": "Three ports."}, 120,
    ...                        Renewal(RenewalRule.NONE), dt.date(2022, 7, 22), versions=versions)
    >>> (ua,) = mirror_instruments(terms, [Signatory("Ukraine", K.PARTY)],
    ...                            [Signatory("Türkiye", K.MEDIATOR)])
    >>> [(s.code, s.articles[0]) for s in language_sections(ua)]
    [('en', ('Article 1', ('Ports open.',))), ('uk', ('Стаття 1', ('Порти відкриті.',)))]
    >>> language_sections(ua)[1].clause[:46]
    'Вчинено 22 липня 2022 року англійською та укра'
    """
    terms = instrument.terms
    if not terms.versions:
        articles = tuple(
            (f"Article {n}", heading, tuple(paragraphs))
            for n, (heading, paragraphs) in enumerate(operative_articles(instrument), start=1)
        )
        return [
            LanguageSection(
                "en",
                language("en"),
                instrument.title,
                _paragraphs(instrument.preamble),
                articles,
                "",
            )
        ]
    sections = []
    for version in terms.versions:
        lang = language(version.language)
        text = instrument.text(version.language)
        preamble = _paragraphs(text.preamble) + tuple(
            p for a in version.articles if a.kind == "preamble" for p in _paragraphs(a.text)
        )
        sections.append(
            LanguageSection(
                version.language,
                lang,
                text.title,
                preamble,
                _version_articles(lang, version, instrument),
                equally_authentic_clause(version.language, terms.languages, terms.effective_date),
            )
        )
    return sections


def instrument_html(instrument: Instrument, signatures: Iterable[Signature] = ()) -> str:
    """The instrument as an HTML document; given ``signatures`` are shown under their signatory.

    >>> from gobetween.agreements.examples import example_instrument
    >>> ua = example_instrument("Three <ports>.")
    >>> page = instrument_html(ua)
    >>> "Three &lt;ports&gt;." in page, page.count(ua.terms.terms_hash())
    (True, 4)
    """
    terms_hash = instrument.terms.terms_hash()
    signed = {s.signer: s for s in signatures if s.instrument_party == instrument.party}
    sections = language_sections(instrument)
    first = sections[0]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{first.code}" dir="{first.lang.direction}"><head><meta charset="utf-8">',
        f"<title>{escape(first.title)}</title>",
        f'<meta name="gobetween-terms-hash" content="{terms_hash}">',
        f"<style>{_STYLE}</style></head><body>",
        f'<header class="terms-hash">{escape(first.lang.label("terms_hash"))}: {terms_hash}'
        "</header>",
    ]
    for section in sections:
        parts.extend(_section_html(section, instrument, signed, terms_hash, len(sections) > 1))
    parts.append(
        f'<footer class="terms-hash">{escape(first.lang.label("terms_hash"))}: {terms_hash}'
        "</footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _section_html(
    section: LanguageSection,
    instrument: Instrument,
    signed: dict[str, Signature],
    terms_hash: str,
    several: bool,
) -> list[str]:
    """One language version of the page (the whole page for a one-language instrument)."""
    lang = section.lang
    prefix = f"{section.code}-" if several else ""
    parts = [
        f'<section class="language-version" lang="{section.code}" dir="{lang.direction}">'
        if several
        else "<section>",
        f"<h1>{escape(section.title)}</h1>",
        f'<p class="terms-hash-line"><small>{escape(lang.label("terms_hash"))}: '
        f"<code>{terms_hash}</code></small></p>",
        '<section class="preamble">',
        *(f"<p>{escape(p)}</p>" for p in section.preamble),
        '</section><section class="operative-terms">',
    ]
    for number, (heading, paragraphs) in enumerate(section.articles, start=1):
        parts.append(f'<article id="{prefix}art-{number}"><h2>{escape(heading)}</h2>')
        parts.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
        parts.append("</article>")
    if section.clause:
        parts.append(f'<p class="final-clause">{escape(section.clause)}</p>')
    parts.append('</section><table class="signatures"><tbody>')
    for s in instrument.signatories:
        signature = signed.get(s.organisation)
        mark = (
            f"<br><small>{escape(lang.label('signed', key=signature.key_fingerprint[:16]))}..."
            "</small>"
            if signature
            else ""
        )
        parts.append(
            f'<tr class="signatory" data-organisation="{escape(s.organisation)}">'
            f"<td>{escape(section.signatory_line(s))}{mark}</td></tr>"
        )
    parts.append("</tbody></table></section>")
    return parts
