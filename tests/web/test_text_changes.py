"""The text page's "what changed" list is the core redline's comparison, in every language."""

from __future__ import annotations

from typing import Any

from gobetween.protocols.single_text_articles import Alternative, Article
from gobetween.web.texts import changes


def version(*articles: Article) -> dict[str, Any]:
    return {"articles": [a.to_dict() for a in articles]}


PORTS = Article("art-1", issue="ports", option="Odesa", wording={"en": "Odesa.", "uk": "Одеса."})
TERM = Article("art-2", issue="term", option="120", wording={"en": "120 days.", "uk": "120 днів."})
FINAL = Article("art-3", wording={"en": "Done in Istanbul.", "uk": "Вчинено в Стамбулі."})


def test_a_moved_article_is_listed_as_moved() -> None:
    listed = changes(version(PORTS, TERM, FINAL), version(TERM, PORTS, FINAL))
    assert [(c.article, c.moved, c.wording_changed) for c in listed] == [("art-2", True, False)]


def test_wording_changed_in_a_second_language_only_is_listed() -> None:
    reworded = Article("art-3", wording={"en": "Done in Istanbul.", "uk": "Учинено в Стамбулі."})
    listed = changes(version(PORTS, TERM, FINAL), version(PORTS, TERM, reworded))
    assert [(c.article, c.kind, c.wording_changed) for c in listed] == [("art-3", "changed", True)]


def test_options_brackets_additions_and_removals() -> None:
    bracketed = Article(
        "art-1",
        issue="ports",
        alternatives=(
            Alternative("Odesa", {"en": "Odesa."}),
            Alternative("three ports", {"en": "Odesa, Chornomorsk, Yuzhny."}),
        ),
    )
    listed = changes(version(PORTS, TERM), version(bracketed, FINAL))
    assert [(c.article, c.kind, c.before, c.after) for c in listed] == [
        ("art-1", "changed", "Odesa", None),
        ("art-3", "added", None, None),
        ("art-2", "removed", "120", None),
    ]
    assert changes(version(PORTS, TERM), version(PORTS, TERM)) == []


def test_the_first_version_lists_every_article_as_added() -> None:
    listed = changes(None, version(PORTS, FINAL))
    assert [(c.article, c.kind) for c in listed] == [("art-1", "added"), ("art-3", "added")]
