"""The consultation poll keeps each party's answers private: two worlds, one party's observables
compared, as for double-blind bidding (tests/service/test_bidding_confidentiality.py).

In world A the other party (Russian Federation) answers *early*, with one answer and comment; in
world B *late* (just before the mediators publish), with another answer and comment, or not at
all. Everything the observed party (Ukraine; and a second member of it) can read must be byte for
byte the same in both worlds at every moment: the poll's JSON, the list of the track's protocols,
the answers to its own answers and to its refused attempts, the live-update stream with its
cursor ids, the page and the track's overview. Only timestamps are masked. The mediators publish
a statement only when its result ("agreed by all" or not) is the same in both worlds: that one
bit is what a party is meant to learn. So a party learns neither what the other answered, nor
whether or when, nor how many answered what; a Hypothesis state machine searches the orders of
statements, answers, refusals, publications and closing.

A second test gives the other party's comments unique markers and checks that none reaches the
observed party, and a third that an answer stores the same rows whatever the others did. The
two worlds, what is observed and how it is compared are shared with double-blind bidding's test
(tests/service/two_worlds.py).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule
from tests import depth
from tests.service import two_worlds
from tests.service.two_worlds import OBSERVED
from tests.service.world import World

ANSWERS = ("agree", "disagree", "pass")


def poll_url(world: World, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/protocols/poll{tail}"


def observe(world: World, who: str) -> list[tuple[str, int, str]]:
    """Every read of ``who`` about the poll and the track's live updates, masked."""
    return two_worlds.observe(world, who, "poll")


def open_poll(world: World) -> None:
    r = world.post("un", poll_url(world, "/open_poll"), json={"subject": "Ports"})
    assert r.status_code == 201, r.text


class TwoWorlds(two_worlds.TwoWorlds):
    """World A: the other party answers as soon as the rule fires; world B: before the
    publication, differently, or never."""

    protocol = "poll"

    @initialize()
    def build(self) -> None:
        self.open_worlds(open_poll)
        self.statements = 0
        self.published: set[int] = set()
        self.ours: dict[int, str] = {}  # the observed party's answer per statement
        self.early: dict[int, str] = {}  # the other party's answer in world A
        self.late: dict[int, tuple[str, str] | None] = {}  # and in world B (None: never)
        self.over = False

    @precondition(lambda self: not self.over)
    @rule(text=st.sampled_from(["Include Chornomorsk", "Inspect in Istanbul", "120 days"]))
    def put_statement(self, text: str) -> None:
        assert self.both("un", poll_url(self.worlds[0], "/put_statement"), {"text": text}) == 200
        self.statements += 1

    @precondition(lambda self: not self.over and self.statements > 0)
    @rule(
        data=st.data(),
        early=st.sampled_from(ANSWERS),
        late=st.none() | st.tuples(st.sampled_from(ANSWERS), st.text(max_size=8)),
        comment=st.text(max_size=8),
    )
    def other_answers(
        self, data: st.DataObject, early: str, late: tuple[str, str] | None, comment: str
    ) -> None:
        number = data.draw(st.integers(1, self.statements))
        if number in self.published:
            return
        world = self.worlds[0]
        body = {"statement": number, "answer": early, "comment": comment}
        r = world.post("ru", poll_url(world, "/answer_statement"), json=body)
        assert r.status_code == 200, r.text
        self.early[number] = early
        self.late[number] = late

    @precondition(lambda self: self.statements > 0)
    @rule(
        data=st.data(),
        answer=st.sampled_from(ANSWERS),
        who=st.sampled_from(OBSERVED),
        comment=st.text(max_size=8),
    )
    def observed_answers(self, data: st.DataObject, answer: str, who: str, comment: str) -> None:
        number = data.draw(st.integers(1, self.statements + 1))
        body = {"statement": number, "answer": answer, "comment": comment}
        if self.both(who, poll_url(self.worlds[0], "/answer_statement"), body) == 200:
            self.ours[number] = answer

    @rule(number=st.integers(0, 4), answer=st.sampled_from([*ANSWERS, "maybe"]))
    def observed_tries_anything(self, number: int, answer: str) -> None:
        body = {"statement": number, "answer": answer}
        if self.both("ua", poll_url(self.worlds[0], "/answer_statement"), body) == 200:
            self.ours[number] = answer

    def _result(self, number: int, theirs: str | None) -> bool:
        return self.ours.get(number) == "agree" and theirs == "agree"

    @precondition(lambda self: not self.over and self.statements > len(self.published))
    @rule(data=st.data())
    def publish(self, data: st.DataObject) -> None:
        number = data.draw(
            st.sampled_from(sorted(set(range(1, self.statements + 1)) - self.published))
        )
        late = self.late.get(number)
        in_a = self._result(number, self.early.get(number))
        in_b = self._result(number, None if late is None else late[0])
        if in_a != in_b:
            return  # the one bit a party may learn differs: the worlds would rightly differ
        world = self.worlds[1]
        if late is not None:
            body = {"statement": number, "answer": late[0], "comment": late[1]}
            r = world.post("ru", poll_url(world, "/answer_statement"), json=body)
            assert r.status_code == 200, r.text
        assert self.both("tr", poll_url(world, "/publish_result"), {"statement": number}) == 200
        self.published.add(number)

    @precondition(lambda self: not self.over)
    @rule()
    def close(self) -> None:
        assert self.both("un", poll_url(self.worlds[0], "/close_poll")) == 200
        self.over = True


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_a_party_observes_the_same_whatever_and_whenever_the_other_answers(shard: int) -> None:
    TwoWorlds.TestCase.settings = settings(
        max_examples=depth.examples(3),  # a shard (tests/depth.py)
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    TwoWorlds.TestCase().runTest()


def test_the_other_party_s_comments_and_answers_never_reach_a_party(world: World) -> None:
    """The other party's comments are markers and its answers disagree; the observed party
    agrees everywhere and reads none of the markers anywhere, and its JSON holds no answer but
    its own ("agree"), no counts and no table of answers."""
    open_poll(world)
    markers = ["zx-marker-27182", "zx-marker-31415"]
    for k, marker in enumerate(markers, start=1):
        assert world.post(
            "un", poll_url(world, "/put_statement"), json={"text": f"s{k}"}
        ).is_success
        theirs = {"statement": k, "answer": "disagree", "comment": marker}
        assert world.post("ru", poll_url(world, "/answer_statement"), json=theirs).is_success
        ours = {"statement": k, "answer": "agree"}
        assert world.post("ua", poll_url(world, "/answer_statement"), json=ours).is_success
    assert world.post("un", poll_url(world, "/publish_result"), json={"statement": 1}).is_success
    for who in OBSERVED:
        seen = observe(world, who)
        text = " ".join(body for _url, _status, body in seen)
        for marker in markers:
            assert marker not in text, (who, marker)
        data = " ".join(body for url, _status, body in seen if url.startswith("/api/"))
        for secret in ('"disagree"', "counts", "unanswered", "answers"):
            assert secret not in data, (who, secret)
    mediators = world.get("un", poll_url(world)).json()
    assert [s["answers"][str(world.orgs["Russian Federation"])]["comment"]
            for s in mediators["statements"]] == markers  # fmt: skip
    assert world.get("ua", poll_url(world)).json()["statements"][0]["agreed"] is False


def test_the_last_answer_stores_what_a_first_answer_stores(world: World) -> None:
    """Ukraine's answer is the last of statement 1 (Russia answered) and the first of statement
    2: the same rows are added to every table, and the event and audit entry read the same."""
    open_poll(world)
    for text in ("s1", "s2"):
        assert world.post("un", poll_url(world, "/put_statement"), json={"text": text}).is_success
    body = {"statement": 1, "answer": "agree"}
    assert world.post("ru", poll_url(world, "/answer_statement"), json=body).is_success
    added = []
    for number in (1, 2):
        before, _ = two_worlds.rows(world)
        body = {"statement": number, "answer": "pass", "comment": "same"}
        assert world.post("ua", poll_url(world, "/answer_statement"), json=body).is_success
        after, newest = two_worlds.rows(world)
        added.append(({k: after[k] - before[k] for k in after}, newest[1]))
    assert added[0] == added[1]
    counts = added[0][0]
    assert (counts["protocol_events"], counts["audit_entries"], counts["notifications"]) == (
        1,
        1,
        1,
    )
