"""Render a mirror instrument as one self-contained HTML page.

The page has the party's title and preamble, the operative terms (one article per issue, then the
term and renewal, the effective date and any linked instruments) and the signature block, with
the terms hash in a header that browsers repeat on every printed page (``position: fixed`` in
print media) and again under the title. Every text is HTML-escaped. Pure: instrument in, text out.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from gobetween.agreements import Instrument, Signature

__all__ = ["instrument_html", "operative_articles"]

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


def instrument_html(instrument: Instrument, signatures: Iterable[Signature] = ()) -> str:
    """The instrument as an HTML document; given ``signatures`` are shown under their signatory.

    >>> import datetime as dt
    >>> from gobetween.agreements import (OperativeTerms, Renewal, RenewalRule, Signatory,
    ...     mirror_instruments)
    >>> from gobetween.model import OrganisationKind as K
    >>> terms = OperativeTerms("corridor", {"ports": "three"}, {"ports": "Three <ports>."}, 120,
    ...                        Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> (ua,) = mirror_instruments(terms, [Signatory("Ukraine", K.PARTY)],
    ...                            [Signatory("Türkiye", K.MEDIATOR)])
    >>> page = instrument_html(ua)
    >>> "Three &lt;ports&gt;." in page, page.count(terms.terms_hash())
    (True, 4)
    """
    terms_hash = instrument.terms.terms_hash()
    signed = {s.signer: s for s in signatures if s.instrument_party == instrument.party}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(instrument.title)}</title>",
        f'<meta name="gobetween-terms-hash" content="{terms_hash}">',
        f"<style>{_STYLE}</style></head><body>",
        f'<header class="terms-hash">Terms hash (SHA-256): {terms_hash}</header>',
        f"<h1>{escape(instrument.title)}</h1>",
        f'<p class="terms-hash-line"><small>Terms hash: <code>{terms_hash}</code></small></p>',
        '<section class="preamble">',
        *(f"<p>{escape(p.strip())}</p>" for p in instrument.preamble.split("\n\n")),
        '</section><section class="operative-terms">',
    ]
    for number, (heading, paragraphs) in enumerate(operative_articles(instrument), start=1):
        parts.append(f'<article id="art-{number}"><h2>Article {number}. {escape(heading)}</h2>')
        parts.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
        parts.append("</article>")
    parts.append('</section><table class="signatures"><tbody>')
    for s in instrument.signatories:
        signature = signed.get(s.organisation)
        mark = (
            f"<br><small>signed with Ed25519 key {signature.key_fingerprint[:16]}...</small>"
            if signature
            else ""
        )
        role = escape(s.signs_as) if s.signs_as else escape(str(s.kind))
        parts.append(
            f'<tr class="signatory" data-organisation="{escape(s.organisation)}">'
            f"<td>For {escape(s.organisation)} ({role}){mark}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts.append(f'<footer class="terms-hash">Terms hash (SHA-256): {terms_hash}</footer>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
