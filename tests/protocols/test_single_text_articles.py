"""Articles of the negotiating text: wording per option, brackets, per-article answers, redline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.model import Agenda, Issue, Option
from gobetween.protocols.single_text import (
    Answer,
    AnswerKind,
    PublishText,
    SingleTextState,
    TrackStatus,
    event_from_dict,
    replay,
    step,
)
from gobetween.protocols.single_text_articles import (
    Alternative,
    Article,
    ArticleAnswer,
    ArticleKind,
    Stance,
)
from gobetween.protocols.single_text_redline import ChangeKind, redline, word_diff
from gobetween.protocols.single_text_views import mediator_view, party_view

T0 = datetime(2022, 7, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

PORTS = Issue(
    "ports",
    (
        Option("two", wording={"en": "Ships leave from Odesa and Chornomorsk."}),
        Option("three", wording={"en": "Ships leave from Odesa, Chornomorsk and Yuzhny."}),
    ),
)
RENEWAL = Issue(
    "renewal",
    (
        Option("consent", wording={"en": "The initiative is renewed by consent of every party."}),
        Option("automatic", wording={"en": "The initiative is renewed automatically."}),
    ),
)
TERM = Issue("term", (Option("120", wording={"en": "The initiative runs for 120 days."}),))
AGENDA = Agenda((PORTS, RENEWAL, TERM), name="corridor")
PACKAGE = AGENDA.package({"ports": "three", "renewal": "consent", "term": "120"})
PREAMBLE = Article(
    "preamble", ArticleKind.PREAMBLE, wording={"en": "The parties, mindful of food security,"}
)


def settled_articles() -> tuple[Article, ...]:
    return (
        PREAMBLE,
        Article.for_option("art-ports", PORTS, "three"),
        Article.for_option("art-renewal", RENEWAL, "consent"),
        Article.for_option("art-term", TERM, "120"),
    )


def bracketed_articles() -> tuple[Article, ...]:
    alternatives = tuple(Alternative(o.name, o.wording) for o in PORTS.options)
    renewal = tuple(Alternative(o.name, o.wording) for o in RENEWAL.options)
    return (
        PREAMBLE,
        Article("art-ports", issue="ports", alternatives=alternatives),
        Article("art-renewal", issue="renewal", alternatives=renewal),
        Article.for_option("art-term", TERM, "120"),
    )


def opened() -> SingleTextState:
    return SingleTextState.open(AGENDA, ("UA", "RU"), ("UN", "TR"))


def publish(articles: tuple[Article, ...], state: SingleTextState | None = None) -> SingleTextState:
    state, _ = step(state or opened(), PublishText("UN", PACKAGE, articles=articles), now=T0)
    return state


def test_a_version_carries_its_articles_and_reads_back_from_the_wire() -> None:
    state = publish(bracketed_articles())
    assert state.current is not None
    assert state.current.bracketed == ("art-ports", "art-renewal")
    assert state.current.text_articles[0].id == "preamble"
    wire = [e.to_dict() for e in state.log]
    assert wire[0]["articles"][1]["alternatives"][1]["option"] == "three"
    assert replay(opened(), wire) == state
    assert event_from_dict(wire[0], AGENDA) == state.log[0]


def test_versions_without_articles_keep_their_old_wire_form() -> None:
    state, events = step(opened(), PublishText("UN", PACKAGE, {"ports": "Three."}), now=T0)
    assert "articles" not in events[0].to_dict()
    assert state.current is not None
    derived = state.current.text_articles
    assert [a.issue for a in derived] == ["ports", "renewal", "term"]
    assert derived[0].wording["en"] == "Three."
    assert derived[1].wording == RENEWAL.options[0].wording


def test_publish_refuses_each_empty_article_and_wording_of_another_option_naming_them() -> None:
    wrong = Article(
        "art-renewal",
        issue="renewal",
        option="consent",
        wording={"en": "The initiative is renewed  automatically."},
    )
    empty = Article("art-final", ArticleKind.FINAL)
    articles = (PREAMBLE, Article.for_option("art-ports", PORTS, "three"), wrong, empty)
    with pytest.raises(ValidationFailed) as caught:
        publish(articles)
    message = str(caught.value)
    assert "article art-renewal: the en wording belongs to option 'automatic'" in message
    assert "article art-final: the article is empty" in message
    assert caught.value.location == "articles[art-renewal,art-final]"


def test_option_and_article_must_agree_with_the_package() -> None:
    article = Article.for_option("art-ports", PORTS, "two")  # the package says three
    with pytest.raises(ValidationFailed, match="article art-ports: the article says option 'two'"):
        publish((article,))


def test_a_mediator_may_reword_an_article() -> None:
    own = Article("art-ports", issue="ports", option="three", wording={"en": "Three ports."})
    state = publish((own,))
    assert state.current is not None
    assert state.current.articles == (own,)
    assert state.current.to_dict()["wording_of"] == {"art-ports": {"en": None}}  # edited
    prepared = publish(settled_articles()).current
    assert prepared is not None
    assert prepared.to_dict()["wording_of"]["art-renewal"] == {"en": "consent"}


def answer(party: str, kind: AnswerKind, *items: ArticleAnswer) -> Answer:
    return Answer(party, 1, kind, articles=items)


def test_parties_answer_per_article_and_per_alternative_and_see_only_their_own() -> None:
    state = publish(bracketed_articles())
    state, _ = step(
        state,
        answer(
            "UA",
            AnswerKind.AMEND,
            ArticleAnswer("art-ports", Stance.CANNOT_ACCEPT, 0, "two ports are not enough"),
            ArticleAnswer("art-ports", Stance.AGREE, 1),
            ArticleAnswer("art-renewal", Stance.CAN_LIVE_WITH, 0),
            ArticleAnswer(
                "art-term", Stance.CANNOT_ACCEPT, None, "too short", {"en": "It runs 180 days."}
            ),
        ),
        now=T0 + HOUR,
    )
    state, _ = step(
        state,
        answer(
            "RU",
            AnswerKind.AMEND,
            ArticleAnswer("art-ports", Stance.CAN_LIVE_WITH, 1),
            ArticleAnswer("art-renewal", Stance.AGREE, 0),
            ArticleAnswer("art-renewal", Stance.CANNOT_ACCEPT, 1, "no automatic renewal"),
        ),
        now=T0 + 2 * HOUR,
    )
    view = mediator_view(state)
    matrix = view.matrix()
    assert set(matrix) == {"preamble", "art-ports", "art-renewal", "art-term"}
    assert matrix["preamble"] == {}
    assert [a["stance"] for a in matrix["art-ports"]["UA"]] == ["cannot_accept", "agree"]
    assert matrix["art-term"]["UA"][0]["proposed"] == {"en": "It runs 180 days."}
    assert view.settled() == {"art-ports": 1, "art-renewal": 0}
    ua = party_view(state, "UA").to_dict()
    assert "RU" not in str(ua)
    assert "no automatic renewal" not in str(ua)
    assert ua["own_answers"]["1"]["articles"][3]["proposed"] == {"en": "It runs 180 days."}
    assert "matrix" not in ua


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((ArticleAnswer("art-9", Stance.AGREE),), "has no article 'art-9'"),
        ((ArticleAnswer("art-ports", Stance.AGREE),), "answer one of its 2 alternatives"),
        ((ArticleAnswer("art-ports", Stance.AGREE, 2),), "answer one of its 2 alternatives"),
        ((ArticleAnswer("art-term", Stance.AGREE, 0),), "has no bracketed alternatives"),
        (
            (ArticleAnswer("art-term", Stance.AGREE), ArticleAnswer("art-term", Stance.AGREE)),
            "answered twice",
        ),
    ],
)
def test_article_answers_are_checked(items: tuple[ArticleAnswer, ...], message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        step(publish(bracketed_articles()), answer("UA", AnswerKind.AMEND, *items), now=T0)


def test_cannot_accept_needs_a_reason() -> None:
    with pytest.raises(ProtocolError, match="say why"):
        ArticleAnswer("art-term", Stance.CANNOT_ACCEPT)


def test_a_bracketed_text_cannot_be_accepted_and_never_becomes_ready() -> None:
    state = publish(bracketed_articles())
    with pytest.raises(ProtocolError, match="still has bracketed articles"):
        step(state, answer("UA", AnswerKind.ACCEPT), now=T0)
    settled = publish(settled_articles(), state)
    for party in ("UA", "RU"):
        with pytest.raises(ProtocolError, match="cannot be accepted while articles are not"):
            step(
                settled,
                Answer(
                    party,
                    2,
                    AnswerKind.ACCEPT,
                    articles=(ArticleAnswer("art-term", Stance.CANNOT_ACCEPT, None, "no"),),
                ),
                now=T0,
            )
        settled, _ = step(settled, Answer(party, 2, AnswerKind.ACCEPT), now=T0 + HOUR)
    assert settled.status is TrackStatus.READY_FOR_AGREEMENT


def test_redline_shows_word_changes_moves_additions_and_removals() -> None:
    v1 = publish(settled_articles())
    reworded = Article(
        "art-ports",
        issue="ports",
        option="three",
        wording={"en": "Ships leave from Odesa, Chornomorsk and Yuzhny (Pivdennyi)."},
    )
    final = Article("art-final", ArticleKind.FINAL, wording={"en": "Done in Istanbul."})
    renewal, term = settled_articles()[2:]
    v2 = publish((reworded, PREAMBLE, term, renewal, final), v1)
    assert v2.current is not None
    lines = {a.id: a for a in redline(v2.versions[0], v2.current).articles}
    ports = lines["art-ports"]
    assert ports.change is ChangeKind.CHANGED
    assert [s.text for s in ports.segments if s.op == "insert"] == [" (Pivdennyi)"]
    assert lines["art-final"].change is ChangeKind.ADDED
    assert lines["art-renewal"].change is ChangeKind.UNCHANGED
    moved = {a.id for a in lines.values() if a.moved}
    # four shared articles, at most two of them keep their order: the other two moved
    assert len(moved) == 2
    back = {a.id: a for a in redline(v2.current, v2.versions[0]).articles}
    assert back["art-final"].change is ChangeKind.REMOVED


words = st.lists(st.sampled_from(["Odesa", "and", "Yuzhny", ",", " ", "ports", "."]), max_size=30)


@given(words, words)
def test_word_diff_rebuilds_both_texts(old: list[str], new: list[str]) -> None:
    a, b = "".join(old), "".join(new)
    segments = word_diff(a, b)
    assert "".join(s.text for s in segments if s.op != "insert") == a
    assert "".join(s.text for s in segments if s.op != "delete") == b
    assert (a == b) == all(s.op == "equal" for s in segments)
