"""The redline's word-by-word work is bounded: hostile or very long wording is compared within
a budget shared by the whole redline (``MAX_DIFF_WORK``), past which the differing middle of an
article is one deletion and one insertion; both texts always rebuild exactly, never truncated."""

from __future__ import annotations

import random
import time
from typing import ClassVar

import pytest

from gobetween.protocols import single_text_redline
from gobetween.protocols.single_text_articles import Alternative, Article
from gobetween.protocols.single_text_redline import (
    MAX_DIFF_WORK,
    ChangeKind,
    DiffBudget,
    Segment,
    compare_articles,
    word_diff,
)


def rebuilds(segments: tuple[Segment, ...], old: str, new: str) -> bool:
    return (
        "".join(s.text for s in segments if s.op != "insert") == old
        and "".join(s.text for s in segments if s.op != "delete") == new
    )


def ordinary_text(rng: random.Random, chars: int) -> str:
    vocabulary = ["".join(rng.choices("abcdefghij", k=rng.randint(2, 9))) for _ in range(800)]
    common = ["the", "of", "and", "to", "a", "in", "shall", "Party", "Parties"]
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < chars:
        out.append(rng.choice(common) if rng.random() < 0.35 else rng.choice(vocabulary))
    return " ".join(out)[:chars]


def test_one_word_repeated_is_compared_in_well_under_a_second() -> None:
    # before: 30 s for this one pair (difflib examines every pair of equal words)
    old, new = "a " * 10_000, "b " + "a " * 9_999
    started = time.perf_counter()
    segments = word_diff(old, new)
    assert time.perf_counter() - started < 2
    assert rebuilds(segments, old, new)
    assert segments[0] == Segment("delete", "a")


def test_a_bracketed_article_past_20000_words_rebuilds_exactly() -> None:
    # before: the comparison stopped at 20,000 words and dropped the rest of both texts
    alternatives = tuple(Alternative(None, {"en": ("word " * 3_000).strip()}) for _ in range(10))
    old = Article("a", wording={}, alternatives=alternatives)
    changed = (*alternatives[:9], Alternative(None, {"en": "word " * 3_000 + "end"}))
    new = Article("a", wording={}, alternatives=changed)
    (row,) = compare_articles([old], [new])
    assert row.change is ChangeKind.CHANGED
    assert rebuilds(row.segments, old.text("en"), new.text("en"))
    assert [s.text for s in row.segments if s.op == "insert"] == [" end"]


class CountingBudget(DiffBudget):
    """A budget that keeps what was spent from it (every budget made while it is patched in)."""

    spent: ClassVar[list[int]] = []

    def spend(self, work: int) -> None:
        CountingBudget.spent.append(min(work, self.remaining))
        super().spend(work)


def test_a_redline_of_many_hostile_articles_shares_one_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    symbols = [chr(c) for c in range(0x2190, 0x2190 + 4_000)]
    old_wording = "".join(f"x{i}{symbols[i]}" for i in range(4_000))[:20_000]
    new_wording = "".join(f"y{i}{symbols[i]}" for i in range(4_000))[:20_000]
    monkeypatch.setattr(single_text_redline, "DiffBudget", CountingBudget)
    CountingBudget.spent = []
    compare_articles(
        [Article("a0", wording={"en": old_wording})], [Article("a0", wording={"en": new_wording})]
    )
    alone = sum(CountingBudget.spent)
    assert alone > MAX_DIFF_WORK // 2  # one such article alone uses most of a budget
    old = [Article(f"a{n}", wording={"en": old_wording}) for n in range(45)]
    new = [Article(f"a{n}", wording={"en": new_wording}) for n in range(45)]
    CountingBudget.spent = []
    started = time.perf_counter()
    rows = compare_articles(old, new)
    # the 45 share that one budget (work counted, whatever the machine's speed) ...
    assert sum(CountingBudget.spent) <= MAX_DIFF_WORK
    # ... so the wall clock stays near one article's: 1.2 s on a fast 2-core machine, 8 s on
    # a slow one; 45 budgets would take 45 times that
    assert time.perf_counter() - started < 30
    assert all(r.change is ChangeKind.CHANGED for r in rows)
    assert all(rebuilds(r.segments, old_wording, new_wording) for r in rows)
    budget = DiffBudget(1_000)
    assert rebuilds(word_diff(old_wording, new_wording, budget), old_wording, new_wording)
    assert budget.remaining == 0


def test_ordinary_edits_stay_word_by_word() -> None:
    rng = random.Random(1)
    old = ordinary_text(rng, 20_000)
    words = old.split(" ")
    for position in rng.sample(range(1, len(words) - 1), 60):
        words[position] = "changed"
    new = " ".join(words)
    segments = word_diff(old, new)
    assert rebuilds(segments, old, new)
    inserted = [s.text for s in segments if s.op == "insert"]
    assert inserted
    assert all(t.split() == ["changed"] * len(t.split()) for t in inserted)
    assert sum(len(t.split()) for t in inserted) == sum(w == "changed" for w in words)


def test_a_redline_row_carries_the_articles_kind_and_heading() -> None:
    """What names an article tied to no issue (its kind, its heading) goes with its row, for
    the pages and the exports: the preamble's row is no longer known by its id alone."""
    from gobetween.protocols.single_text_articles import Article, ArticleKind
    from gobetween.protocols.single_text_redline import compare_articles

    old = [Article("preamble", ArticleKind.PREAMBLE, wording={"en": "Whereas."})]
    new = [
        Article("preamble", ArticleKind.PREAMBLE, wording={"en": "Whereas, recalling."}),
        Article("term", ArticleKind.FINAL, heading={"en": "Term"}, wording={"en": "120 days."}),
    ]
    rows = [r.to_dict() for r in compare_articles(old, new)]
    assert [(r["id"], r["kind"], r["heading"]) for r in rows] == [
        ("preamble", "preamble", {}),
        ("term", "final", {"en": "Term"}),
    ]
