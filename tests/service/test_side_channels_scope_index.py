"""The database's work in rebuilding one party's protocol state does not grow with another
party's private events.

A party's read replays the protocol's public events and its own (``event_log.bodies(...,
party=)``). Until 4 December 2026 the database found them by walking every event of the track's
protocol, the other parties' private answers included (one filter over ``track_id, protocol,
seq``), so the time of a party's own page still grew, slightly, with how often the other party
answered (4.7 ms against 4.1 ms with 2,000 answers). Now each scope is read through its own range
of ``ix_protocol_events_scope`` (migration 0014). The work is counted as the SQLite virtual
machine's steps (``set_progress_handler``), which does not vary with noise.
"""

from __future__ import annotations

from pathlib import Path

from tests.service.test_side_channels_replay import act
from tests.service.vm_steps import counting_steps
from tests.service.world import World, make_settings

from gobetween.store import event_log


def _steps(world: World, party: str) -> tuple[int, int]:
    """The VM steps of reading ``party``'s replay of the food track's poll, and how many
    events it read."""
    stream = event_log.protocol_stream(world.tracks["food"], "poll")
    with world.services.db.unit_of_work(write=False) as session, counting_steps(world) as steps:
        read = event_log.bodies(session, stream, party=world.orgs[party])
    return steps[0], len(read)


def test_a_partys_replay_costs_the_database_the_same_whatever_the_other_party_answers(
    tmp_path: Path,
) -> None:
    """Russia answers the poll's statements 2 times in one world, 14 in the other; Ukraine's
    replay reads the same events with the same number of steps. (Both worlds hold some of
    Russia's rows: the end of an index range is found one step later when any row follows it.)"""
    seen = []
    for busy in (1, 7):
        w = World.build(make_settings(f"sqlite:///{tmp_path}/w{busy}.db"))
        try:
            act(w, "un", "poll", "open_poll", {"subject": "Ports"})
            for k in (1, 2):
                act(w, "un", "poll", "put_statement", {"text": f"statement {k}"})
                act(w, "ua", "poll", "answer_statement", {"statement": k, "answer": "agree"})
                for i in range(busy):
                    answer = "disagree" if i % 2 else "agree"
                    act(w, "ru", "poll", "answer_statement", {"statement": k, "answer": answer})
            seen.append(_steps(w, "Ukraine"))
        finally:
            w.close()
    quiet, busy_world = seen
    assert quiet[1] == busy_world[1] > 0, seen  # the same events: public ones and Ukraine's
    assert busy_world[0] == quiet[0], seen
