"""Linked instruments derive from the agreed text's article on them, and verify reports an
instrument whose links contradict that article."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.agreements import Link
from gobetween.agreements.derive import (
    StatedLink,
    consistency_problems,
    derive_lifecycle,
    terms_from_text,
)
from gobetween.agreements.verify import FindingCode, verify_bundle
from gobetween.errors import AgreementError
from gobetween.model import Agenda, Issue

from .test_derive import _bundle_bytes

hashes = st.binary(min_size=32, max_size=32).map(bytes.hex)
titles = st.sampled_from(["Memorandum on food and fertiliser", "Ammonia protocol", "Annex B"])
DAY = dt.date(2022, 7, 22)


@st.composite
def linked_texts(
    draw: st.DrawFn,
) -> tuple[Agenda, dict[str, str], dict[str, str], tuple[Link, ...]]:
    """An agreed text with an article on linked instruments, and the links it states."""
    name = draw(st.sampled_from(["linked instruments", "Side instruments", "linked instrument"]))
    kind = draw(st.sampled_from(["none", "by title", "by hash"]))
    title = draw(titles)
    option = "none" if kind == "none" else title
    others = draw(st.lists(st.sampled_from(["ports", "cargo"]), unique=True))
    issues = [
        Issue.discrete("term", ["120"]),
        Issue.discrete(name, ["none", title]),
        *(Issue.discrete(other, ["a", "b"]) for other in others),
    ]
    agenda = Agenda(tuple(draw(st.permutations(issues))), name="corridor")
    options = {i.name: (option if i.name == name else i.option_names[0]) for i in agenda.issues}
    clauses = {i: f"The parties agree on {i}." for i in options}
    links: tuple[Link, ...] = ()
    if kind == "by title":
        links = (Link(title, draw(hashes)),)
    elif kind == "by hash":
        found = draw(hashes)
        clauses[name] = f"This initiative is linked to the instrument of terms hash {found}."
        links = (Link(draw(titles), found),)  # the hash decides, whatever the title
    return agenda, options, clauses, links


@settings(max_examples=60, deadline=None)
@given(linked_texts())
def test_the_instruments_link_exactly_what_the_text_states(
    text: tuple[Agenda, dict[str, str], dict[str, str], tuple[Link, ...]],
) -> None:
    agenda, options, clauses, links = text
    package = agenda.package(options)
    terms = terms_from_text(package, clauses, effective_date=DAY, links=links)
    assert terms.links == links
    stated = derive_lifecycle(package, clauses).links
    assert stated is not None
    assert len(stated) == len(links)
    assert all(s.matches(link) for s, link in zip(stated, links, strict=True))
    assert consistency_problems(terms) == ()
    assert verify_bundle(_bundle_bytes(terms)).ok


@settings(max_examples=60, deadline=None)
@given(linked_texts(), st.data())
def test_links_that_contradict_the_article_are_always_reported(
    text: tuple[Agenda, dict[str, str], dict[str, str], tuple[Link, ...]], data: st.DataObject
) -> None:
    agenda, options, clauses, links = text
    package = agenda.package(options)
    good = terms_from_text(package, clauses, effective_date=DAY, links=links)
    stranger = Link(
        "Unrelated accord",
        data.draw(hashes.filter(lambda h: all(h not in c for c in clauses.values()))),
    )
    how = data.draw(st.sampled_from(["add", "drop", "swap"] if links else ["add"]))
    bad_links = {
        "add": (*links, stranger),
        "drop": (),
        "swap": (Link(links[0].title + " (other)", stranger.terms_hash),) if links else (),
    }[how]
    bad = replace(good, links=bad_links)
    name = next(
        i
        for i in options
        if i.casefold().strip() in {"linked instruments", "side instruments", "linked instrument"}
    )
    article = f"Article {list(options).index(name) + 1} ({name!r})"
    problems = consistency_problems(bad)
    assert any(article in p for p in problems), problems
    with pytest.raises(AgreementError):
        terms_from_text(package, clauses, effective_date=DAY, links=bad_links)
    report = verify_bundle(_bundle_bytes(bad))
    assert not report.ok
    assert [f for f in report.findings if f.code is FindingCode.TERMS_CONTRADICT]


def test_a_link_without_an_article_on_linked_instruments_is_reported() -> None:
    agenda = Agenda((Issue.discrete("term", ["120"]),), name="memorandum")
    package = agenda.package({"term": "120"})
    memo = Link("Black Sea Grain Initiative", "ab" * 32)
    with pytest.raises(AgreementError, match="no article on linked instruments"):
        terms_from_text(package, {}, effective_date=DAY, links=(memo,))
    unlinked = terms_from_text(package, {}, effective_date=DAY)
    assert consistency_problems(replace(unlinked, links=(memo,))) == (
        "the instrument links 'Black Sea Grain Initiative', but no article of its text states "
        "a linked instrument",
    )


def test_the_black_sea_option_names_the_memorandum_and_none_names_nothing() -> None:
    agenda = Agenda(
        (
            Issue.discrete("term", ["120"]),
            Issue.discrete("linked export facilitation", ["none", "UN memorandum, best efforts"]),
        )
    )
    none = agenda.package({"term": "120", "linked export facilitation": "none"})
    memo = agenda.package(
        {"term": "120", "linked export facilitation": "UN memorandum, best efforts"}
    )
    assert derive_lifecycle(none).links == ()
    assert derive_lifecycle(memo).links == (StatedLink("UN memorandum, best efforts"),)
    assert derive_lifecycle(memo).sources["links"] == "linked export facilitation"
