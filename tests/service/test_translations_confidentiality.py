"""Confidentiality with translators: a focused Hypothesis stateful test.

Parties post messages in their working languages, translators (of the United Nations, given
the food corridor; of the ICRC, given the energy track) attach translations, parties and
translators try what they may not. Every message and translation carries a unique marker
registered with its track and party. After every step each reader reads every endpoint that
shows messages, translations, searches or counts; no answer may carry a marker the reader may
not see (a party: another party's; a translator: another track's; the observer and an outsider:
any). And what the other party sees (contents, counts, numbers, ids, order) is byte for byte the
same before and after a step that touched only one party's channel.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from tests import depth
from tests.service.test_translations import add_translator
from tests.service.world import World, make_settings

COUNTER = itertools.count(1)
PARTIES = {"ua": "Ukraine", "ru": "Russian Federation"}
TRANSLATORS = {"tr-food": ("United Nations", "food"), "tr-energy": ("ICRC", "energy")}
LANGUAGES = ("en", "uk", "ru", "tr")


def marker() -> str:
    return f"SECRET{next(COUNTER):07d}X"


class TranslatorsKeepChannelsApart(RuleBasedStateMachine):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.world = World.build(make_settings(f"sqlite:///{path}/db{next(COUNTER)}.sqlite"))
        w = self.world
        url = f"/api/processes/{w.process_id}/languages"
        assert w.put("admin", url, json={"languages": list(LANGUAGES)}).status_code == 200
        for login, (org, track) in TRANSLATORS.items():
            user = add_translator(w, login, org)
            mediator = "un" if track == "food" else "icrc"
            r = w.put(mediator, f"/api/tracks/{w.tracks[track]}/translators/{user}")
            assert r.status_code == 204, r.text
        #: marker -> (track, party)
        self.owner: dict[str, tuple[str, str]] = {}
        #: (track, party) -> [(message id, language)]
        self.messages: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def teardown(self) -> None:
        self.world.close()

    # -- what a reader sees -------------------------------------------------------------------

    def reads(self, who: str) -> list[str]:
        w = self.world
        urls = ["/api/translating"]
        for track in ("food", "energy"):
            tid = w.tracks[track]
            urls += [
                f"/api/tracks/{tid}/channels",
                f"/api/tracks/{tid}/messages?q=SECRET",
                f"/api/tracks/{tid}/text/languages",
                f"/api/tracks/{tid}/translators",
            ]
            for party in PARTIES:
                channel = w.channels[(track, party)]
                urls += [
                    f"/api/channels/{channel}",
                    f"/api/channels/{channel}/messages",
                    f"/api/channels/{channel}/translations",
                ]
        return [f"{url} {r.status_code} {r.text}" for url in urls for r in [w.get(who, url)]]

    def may_see(self, who: str, track: str, party: str) -> bool:
        if who in PARTIES:
            return who == party
        if who in TRANSLATORS:
            return TRANSLATORS[who][1] == track
        return False

    @invariant()
    def nobody_reads_what_is_not_theirs(self) -> None:
        for who in (*PARTIES, *TRANSLATORS, "obs", "outsider"):
            seen = "\n".join(self.reads(who))
            for mark, (track, party) in self.owner.items():
                if mark in seen:
                    assert self.may_see(who, track, party), (who, mark, track, party)

    # -- actions ------------------------------------------------------------------------------

    def others_view(self, party: str) -> list[str]:
        other = "ru" if party == "ua" else "ua"
        return self.reads(other)

    @rule(party=st.sampled_from(sorted(PARTIES)), track=st.sampled_from(["food", "energy"]),
          lang=st.sampled_from(LANGUAGES))  # fmt: skip
    def post(self, party: str, track: str, lang: str) -> None:
        before = self.others_view(party)
        mark = marker()
        channel = self.world.channels[(track, party)]
        r = self.world.post(
            party, f"/api/channels/{channel}/messages", json={"text": mark, "language": lang}
        )
        assert r.status_code == 201, r.text
        self.owner[mark] = (track, party)
        self.messages.setdefault((track, party), []).append((r.json()["id"], lang))
        assert self.others_view(party) == before

    @rule(data=st.data())
    def translate(self, data: st.DataObject) -> None:
        written = sorted(self.messages)
        if not written:
            return
        track, party = data.draw(st.sampled_from(written))
        message, lang = data.draw(st.sampled_from(self.messages[(track, party)]))
        who = data.draw(st.sampled_from(sorted(TRANSLATORS)))
        target = data.draw(st.sampled_from([x for x in LANGUAGES if x != lang]))
        before = self.others_view(party)
        mark = marker()
        url = f"/api/messages/{message}/translations/{target}"
        r = self.world.put(who, url, json={"text": mark})
        if TRANSLATORS[who][1] == track:
            assert r.status_code == 201, r.text
            self.owner[mark] = (track, party)
        else:
            assert r.status_code == 404, r.text  # a track not given: as if it did not exist
        assert self.others_view(party) == before

    @rule(data=st.data())
    def party_tries_to_translate(self, data: st.DataObject) -> None:
        written = sorted(self.messages)
        if not written:
            return
        track, party = data.draw(st.sampled_from(written))
        message, lang = data.draw(st.sampled_from(self.messages[(track, party)]))
        who = data.draw(st.sampled_from(sorted(PARTIES)))
        target = next(x for x in LANGUAGES if x != lang)
        url = f"/api/messages/{message}/translations/{target}"
        r = self.world.put(who, url, json={"text": marker()})
        assert r.status_code == (403 if who == party else 404), r.text

    @rule(who=st.sampled_from(sorted(TRANSLATORS)), party=st.sampled_from(sorted(PARTIES)))
    def translator_tries_to_post(self, who: str, party: str) -> None:
        channel = self.world.channels[(TRANSLATORS[who][1], party)]
        r = self.world.post(who, f"/api/channels/{channel}/messages", json={"text": marker()})
        assert r.status_code == 404, r.text


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_translators_keep_channels_apart(tmp_path: Any, shard: int) -> None:
    run_state_machine_as_test(
        lambda: TranslatorsKeepChannelsApart(str(tmp_path)),
        settings=settings(
            max_examples=depth.examples(4),  # a shard (tests/depth.py)
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
