"""Redline between two versions of the text: word by word, with added, removed and moved articles.

Articles are matched by their stable ``id``. For each article the wording in one language is
compared word by word (:func:`word_diff`: insertions and deletions over words, spaces and
punctuation, so joining the kept and inserted pieces gives the new text back exactly); an article
whose place among the articles both versions share changed is *moved* (the shared articles that
are not on a longest common subsequence of the two orders). A bracketed article is compared as
its bracketed text, ``[A] [B]``.

>>> word_diff("Ships leave from Odesa.", "Ships leave from Odesa and Yuzhny.")
(Segment(op='equal', text='Ships leave from Odesa'), Segment(op='insert', text=' and Yuzhny'), \
Segment(op='equal', text='.'))
"""

from __future__ import annotations

import difflib
import enum
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gobetween.protocols.single_text import TextVersion
from gobetween.protocols.single_text_articles import Article, ArticleKind

__all__ = [
    "MAX_DIFF_WORK",
    "ArticleRedline",
    "ChangeKind",
    "DiffBudget",
    "Redline",
    "Segment",
    "compare_articles",
    "redline",
    "word_diff",
]

_TOKEN = re.compile(r"\s*\w+|\s*[^\w\s]|\s+", re.UNICODE)
#: The most work one redline does word by word: token pairs the matcher may examine, over all
#: its articles. A text whose changes would take more (long articles reworded throughout, or
#: wording built to defeat the matcher, such as one word repeated) shows the rest of each changed
#: article as removed and inserted whole, after their common beginning and end; both texts still
#: rebuild exactly. About a second of work on this machine (docs/security.md).
MAX_DIFF_WORK = 4_000_000


class _OverBudget(Exception):
    """The redline's word-by-word budget is spent (caught here, never raised to callers)."""


class DiffBudget:
    """Work left for one redline's word-by-word comparisons (token pairs; see MAX_DIFF_WORK)."""

    def __init__(self, work: int = MAX_DIFF_WORK) -> None:
        self.remaining = work

    def spend(self, work: int) -> None:
        """Take ``work`` from the budget; :class:`_OverBudget` when there is not enough."""
        if work > self.remaining:
            self.remaining = 0
            raise _OverBudget
        self.remaining -= work


class _BoundedMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher charging each longest-match search, before it runs, an upper bound on
    its cost: the tokens it scans plus every position in ``b`` of each of them."""

    def __init__(self, a: Sequence[str], b: Sequence[str], budget: DiffBudget) -> None:
        self._budget = budget
        self._a, self._b = a, b
        self._in_b = Counter(b)
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        ahi = len(self._a) if ahi is None else ahi
        bhi = len(self._b) if bhi is None else bhi
        in_b = self._in_b
        self._budget.spend((ahi - alo) + sum(in_b[token] for token in self._a[alo:ahi]))
        return super().find_longest_match(alo, ahi, blo, bhi)


class ChangeKind(enum.StrEnum):
    """What happened to an article between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text kept (``equal``), inserted (``insert``) or deleted (``delete``)."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"op": self.op, "text": self.text}


def word_diff(old: str, new: str, budget: DiffBudget | None = None) -> tuple[Segment, ...]:
    """Word-level insertions and deletions turning ``old`` into ``new``.

    The ``equal`` and ``insert`` segments joined give ``new``; ``equal`` and ``delete`` give
    ``old``. Adjacent segments of one kind are merged. The work is bounded by ``budget`` (a
    fresh :data:`MAX_DIFF_WORK` if none): past it the differing middle is one deletion and one
    insertion.
    """
    budget = DiffBudget() if budget is None else budget
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    add("equal", "".join(a[:start]))
    try:
        opcodes = (
            _BoundedMatcher(middle_a, middle_b, budget).get_opcodes()
            if middle_a and middle_b
            else []
        )
    except _OverBudget:
        opcodes = []
    if not opcodes:
        opcodes = [("replace", 0, len(middle_a), 0, len(middle_b))]
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            add("equal", "".join(middle_a[i1:i2]))
            continue
        add("delete", "".join(middle_a[i1:i2]))
        add("insert", "".join(middle_b[j1:j2]))
    add("equal", "".join(a[len(a) - end :]))
    return tuple(out)


@dataclass(frozen=True)
class ArticleRedline:
    """One article's redline: its change, whether it moved, options and word segments; its
    ``kind`` and ``heading`` (per language), so that a page or an export names an article tied
    to no issue as people do (its heading, else *Preamble*, *Final clauses*), never by its id."""

    id: str
    change: ChangeKind
    moved: bool
    old_position: int | None
    new_position: int | None
    old_option: str | None
    new_option: str | None
    segments: tuple[Segment, ...]
    issue: str | None = None
    kind: ArticleKind = ArticleKind.OPERATIVE
    heading: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def option_changed(self) -> bool:
        """Whether the chosen option differs (an article with an issue)."""
        return self.old_option != self.new_option

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "issue": self.issue,
            "change": self.change.value,
            "moved": self.moved,
            "old_position": self.old_position,
            "new_position": self.new_position,
            "old_option": self.old_option,
            "new_option": self.new_option,
            "segments": [s.to_dict() for s in self.segments],
            "kind": self.kind.value,
            "heading": dict(self.heading),
        }


@dataclass(frozen=True)
class Redline:
    """The redline from version ``old`` to version ``new`` in ``language``."""

    old: int
    new: int
    language: str
    articles: tuple[ArticleRedline, ...]

    @property
    def changed(self) -> tuple[ArticleRedline, ...]:
        """The articles that were added, removed, reworded, re-optioned or moved."""
        return tuple(
            a
            for a in self.articles
            if a.change is not ChangeKind.UNCHANGED or a.moved or a.option_changed
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the API's answer)."""
        return {
            "old": self.old,
            "new": self.new,
            "language": self.language,
            "articles": [a.to_dict() for a in self.articles],
        }


def _moved(old_ids: Sequence[str], new_ids: Sequence[str]) -> set[str]:
    shared = set(old_ids) & set(new_ids)
    a = [i for i in old_ids if i in shared]
    b = [i for i in new_ids if i in shared]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept = {a[block.a + k] for block in matcher.get_matching_blocks() for k in range(block.size)}
    return shared - kept


def redline(old: TextVersion, new: TextVersion, language: str = "en") -> Redline:
    """Compare ``old`` and ``new`` article by article, word by word in ``language``.

    Articles come in the new version's order, then the removed ones in their old order.
    """
    rows = compare_articles(old.text_articles, new.text_articles, language)
    return Redline(old.number, new.number, language, rows)


def compare_articles(
    old: Sequence[Article], new: Sequence[Article], language: str = "en", *, words: bool = True
) -> tuple[ArticleRedline, ...]:
    """The redline's rows for two lists of articles (what :func:`redline` compares).

    The word-by-word comparisons of all the articles share one :class:`DiffBudget`. With
    ``words=False`` a changed article's segments are left out (only its change is told).

    >>> from gobetween.protocols.single_text_articles import Article, ArticleKind
    >>> [(r.id, r.change.value) for r in compare_articles(
    ...     [Article("a", wording={"en": "Odesa."})],
    ...     [Article("a", wording={"en": "Odesa, Yuzhny."}), Article("b", wording={"en": "B."})])]
    [('a', 'changed'), ('b', 'added')]
    """
    before: dict[str, tuple[int, Article]] = {a.id: (n, a) for n, a in enumerate(old, start=1)}
    after = tuple(new)
    moved = _moved(list(before), [a.id for a in after])
    budget = DiffBudget()
    rows: list[ArticleRedline] = []
    for position, article in enumerate(after, start=1):
        previous = before.get(article.id)
        new_text = article.text(language)
        if previous is None:
            segments: tuple[Segment, ...] = (Segment("insert", new_text),) if new_text else ()
            rows.append(
                ArticleRedline(
                    article.id,
                    ChangeKind.ADDED,
                    False,
                    None,
                    position,
                    None,
                    article.option,
                    segments,
                    article.issue,
                    article.kind,
                    article.heading,
                )
            )
            continue
        old_position, was = previous
        old_text = was.text(language)
        same = old_text == new_text
        if same:
            segments = (Segment("equal", new_text),) if new_text else ()
        else:
            segments = word_diff(old_text, new_text, budget) if words else ()
        rows.append(
            ArticleRedline(
                article.id,
                ChangeKind.UNCHANGED if same else ChangeKind.CHANGED,
                article.id in moved,
                old_position,
                position,
                was.option,
                article.option,
                segments,
                article.issue,
                article.kind,
                article.heading,
            )
        )
    present = {a.id for a in after}
    for article_id, (old_position, was) in before.items():
        if article_id not in present:
            text = was.text(language)
            rows.append(
                ArticleRedline(
                    article_id,
                    ChangeKind.REMOVED,
                    False,
                    old_position,
                    None,
                    was.option,
                    None,
                    (Segment("delete", text),) if text else (),
                    was.issue,
                    was.kind,
                    was.heading,
                )
            )
    return tuple(rows)
