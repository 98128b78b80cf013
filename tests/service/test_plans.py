"""Plans (gobetween.store.plans): one plan, two drivers, the same result; failures leave the
database and the connection as they were."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import hypothesis
import psycopg
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.service.world import World, make_settings

from gobetween.errors import NotFound
from gobetween.service import negotiate
from gobetween.service.identity import Credentials
from gobetween.store import audit, pipeline, plans
from gobetween.store import tables as t
from gobetween.store.pipeline import AsyncPool
from gobetween.store.plans import Query, Step


@pytest.fixture
def pg_world(pg_schema_url: str) -> Iterator[World]:
    w = World.build(make_settings(pg_schema_url))
    try:
        yield w
    finally:
        w.close()


def _sync(world: World, plan: plans.Plan[plans.T], *, write: bool = True) -> plans.T:
    with world.services.db.unit_of_work(write=write) as session:
        return plans.run(session.connection(), plan)


def _pool(world: World, size: int = 1) -> AsyncPool:
    return AsyncPool(world.services.db.async_pool.conninfo, size)  # type: ignore[union-attr]


def _async(world: World, plan: plans.Plan[plans.T]) -> plans.T:
    pool = _pool(world)
    try:
        return asyncio.run(plans.run_async(pool, plan))
    finally:
        pool.close()


def _count(world: World, table: type[t.Base]) -> int:
    with world.services.db.unit_of_work(write=False) as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def test_both_drivers_post_and_read_alike(pg_world: World) -> None:
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    channel = pg_world.channels[("food", "ua")]
    first = _async(
        pg_world, negotiate.post_message_plan("postgresql", ua, channel, negotiate.Post("one"))
    )
    second = _sync(
        pg_world, negotiate.post_message_plan("postgresql", ua, channel, negotiate.Post("two"))
    )
    assert (first.number, second.number) == (1, 2)
    read = Credentials(bearer=pg_world.tokens["ua"])
    by_loop = _async(pg_world, negotiate.channel_messages_plan(read, channel))
    by_unit = _sync(pg_world, negotiate.channel_messages_plan(read, channel), write=False)
    assert by_loop == by_unit
    assert [m.text for m in by_loop] == ["one", "two"]
    assert by_loop[0].created_at == first.created_at.replace(
        microsecond=first.created_at.microsecond
    )
    with pg_world.services.db.unit_of_work(write=False) as s:
        assert audit.verify(s).links >= 2


def test_a_refusal_in_a_plan_writes_nothing_and_hides_the_channel(pg_world: World) -> None:
    ru = Credentials(bearer=pg_world.tokens["ru"], safe=False)
    before = (_count(pg_world, t.Message), _count(pg_world, t.AuditEntry))
    for channel in (pg_world.channels[("food", "ua")], 999_999):
        with pytest.raises(NotFound, match=f"no channel {channel}"):
            _async(
                pg_world,
                negotiate.post_message_plan("postgresql", ru, channel, negotiate.Post("x")),
            )
    assert (_count(pg_world, t.Message), _count(pg_world, t.AuditEntry)) == before


def _failing_write(message_id: int, channel: int) -> plans.Plan[None]:
    row = {"id": message_id, "channel_id": channel, "author_id": None, "text": "x"}
    insert = Query(
        "INSERT INTO messages (id, channel_id, number, author_id, text, created_at) "
        "VALUES (:id, :channel_id, 99, :author_id, :text, CURRENT_TIMESTAMP)",
        row,
    )
    yield Step((insert, insert), ordered=True)  # the second violates the primary key


def test_a_failed_writing_step_rolls_back_and_the_connection_goes_on(pg_world: World) -> None:
    channel = pg_world.channels[("food", "ua")]
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    pool = _pool(pg_world)

    async def go() -> int:
        for _ in range(2):  # the same statements again: prepared, not half-prepared
            with pytest.raises(psycopg.errors.UniqueViolation):
                await plans.run_async(pool, _failing_write(123_456, channel))
            (conn,) = pool.idle
            assert conn.idle
        posted = await plans.run_async(
            pool, negotiate.post_message_plan("postgresql", ua, channel, negotiate.Post("after"))
        )
        assert pool.idle == [conn]  # the same connection all along
        return posted.number

    try:
        assert asyncio.run(go()) == 1  # the failed insert left no message behind
    finally:
        pool.close()
    assert _count(pg_world, t.Message) == 1


def test_a_statement_that_cannot_be_prepared_is_not_remembered(pg_world: World) -> None:
    def bad() -> plans.Plan[None]:
        yield Step((Query("SELECT no_such_column FROM messages WHERE id = :id", {"id": 1}),))

    def good() -> plans.Plan[int]:
        rows = yield Step((Query("SELECT :x + 1", {"x": 41}),))
        return int(rows[0][0][0])

    pool = _pool(pg_world)

    async def go() -> int:
        for _ in range(2):
            with pytest.raises(psycopg.errors.UndefinedColumn):
                await plans.run_async(pool, bad())
        (conn,) = pool.idle
        assert len(conn.prepared) == 0
        return await plans.run_async(pool, good())

    try:
        assert asyncio.run(go()) == 42
    finally:
        pool.close()


def test_the_pool_replaces_a_connection_the_server_dropped(pg_world: World) -> None:
    """The request on a dead connection answers 503; the next one gets a new connection."""
    pool = pg_world.services.db.async_pool
    assert pool is not None
    channel = pg_world.channels[("food", "ua")]
    url = f"/api/channels/{channel}/messages"
    assert pg_world.post("ua", url, json={"text": "first"}).status_code == 201
    (conn,) = pool.idle
    with pg_world.services.db.unit_of_work(write=False) as s:
        s.execute(select(func.pg_terminate_backend(conn.pgconn.backend_pid)))
    dropped = pg_world.post("ua", url, json={"text": "lost"})
    assert dropped.status_code == 503
    assert dropped.headers["content-type"] == "application/problem+json"
    assert pg_world.post("ua", url, json={"text": "second"}).status_code == 201
    texts = [m["text"] for m in pg_world.get("ua", url).json()]
    assert texts == ["first", "second"]


def test_the_pool_never_opens_more_than_its_size(pg_world: World) -> None:
    pool = _pool(pg_world, 2)
    channel = pg_world.channels[("food", "ua")]
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    opened: list[int] = []
    connect = pipeline.PipelineConnection.connect

    async def counted(conninfo: str) -> pipeline.PipelineConnection:
        opened.append(1)
        return await connect(conninfo)

    async def one(i: int) -> int:
        plan = negotiate.post_message_plan("postgresql", ua, channel, negotiate.Post(f"m{i}"))
        return (await plans.run_async(pool, plan)).number

    async def go() -> list[int]:
        return list(await asyncio.gather(*(one(i) for i in range(12))))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.PipelineConnection, "connect", counted)
        try:
            assert sorted(asyncio.run(go())) == list(range(1, 13))  # numbered without a gap
        finally:
            pool.close()
    assert 1 <= len(opened) <= 2


def test_statements_beyond_the_prepared_cache_run_unprepared(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PREPARED_MAX", 0)
    ua = Credentials(bearer=pg_world.tokens["ua"], safe=False)
    channel = pg_world.channels[("food", "ua")]
    posted = _async(
        pg_world, negotiate.post_message_plan("postgresql", ua, channel, negotiate.Post("raw"))
    )
    read = _async(pg_world, negotiate.channel_messages_plan(ua, channel, query="RA"))
    assert [m.id for m in read] == [posted.id]


def _insert(message_id: int, channel: int, number: int) -> plans.Plan[int]:
    """One writing step: a message with a given id and number."""
    sql = (
        "INSERT INTO messages (id, channel_id, number, author_id, text, created_at) "
        "VALUES (:id, :channel_id, :number, NULL, 'x', CURRENT_TIMESTAMP) RETURNING id"
    )
    rows = yield Step(
        (Query(sql, {"id": message_id, "channel_id": channel, "number": number}),), ordered=True
    )
    return int(rows[0][0][0])


def _ids(channel: int) -> plans.Plan[list[int]]:
    rows = yield Step(
        (Query("SELECT id FROM messages WHERE channel_id = :c ORDER BY id", {"c": channel}),)
    )
    return [int(r[0]) for r in rows[0]]


def _counting_sends(patch: pytest.MonkeyPatch) -> list[int]:
    """Patch the pipelines to record how many steps each carried."""
    sizes: list[int] = []
    send = pipeline.PipelineConnection.send

    async def counted(
        self: pipeline.PipelineConnection, steps: list[tuple[list[pipeline.Statement], bool]]
    ) -> list[object]:
        sizes.append(len(steps))
        return await send(self, steps)  # type: ignore[arg-type]

    patch.setattr(pipeline.PipelineConnection, "send", counted)
    return sizes


def _together(pool: AsyncPool, steps: list[plans.Plan[Any]]) -> list[object]:
    """Run ``steps`` at once on ``pool``, queued in this order; each one's result or error.

    The connection is left idle (asserted), and the pool closed.
    """

    async def go() -> list[object]:
        runs = (plans.run_async(pool, step) for step in steps)
        return list(await asyncio.gather(*runs, return_exceptions=True))

    try:
        results = asyncio.run(go())
        assert len(pool.idle) == (1 if steps else 0)
        assert all(conn.idle for conn in pool.idle)
    finally:
        pool.close()
    return results


def test_concurrent_steps_share_a_pipeline_in_arrival_order(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = pg_world.channels[("food", "ua")]
    sizes = _counting_sends(monkeypatch)
    steps = [_insert(9_000 + i, channel, i + 1) for i in range(10)]
    results = _together(_pool(pg_world), [*steps, _ids(channel)])
    assert sizes == [11]  # one round trip for the eleven steps
    assert results[:10] == [9_000 + i for i in range(10)]
    assert results[10] == [9_000 + i for i in range(10)]  # the read came after the writes


def test_a_failure_in_a_shared_pipeline_stays_with_its_step(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failed write leaves nothing; the writes of its transaction (before it and after it)
    and the steps after it are sent again and succeed."""
    channel = pg_world.channels[("food", "ua")]
    sizes = _counting_sends(monkeypatch)
    steps = [
        _insert(9_001, channel, 1),
        _failing_write(9_002, channel),  # inserts 9_002 twice: the second violates the key
        _insert(9_003, channel, 2),
        _ids(channel),
    ]
    first, failed, third, ids = _together(_pool(pg_world), steps)
    assert sizes == [4, 3]  # all but the failed step went again
    assert (first, third) == (9_001, 9_003)
    assert isinstance(failed, psycopg.errors.UniqueViolation)
    assert ids == [9_001, 9_003]  # nothing of the failed transaction was committed


def test_reads_and_writes_mixed_in_a_pipeline_see_what_came_before(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = pg_world.channels[("food", "ua")]
    sizes = _counting_sends(monkeypatch)
    steps = [
        _ids(channel),
        _insert(9_030, channel, 1),
        _ids(channel),
        _insert(9_031, channel, 2),
        _insert(9_032, channel, 3),
        _ids(channel),
    ]
    results = _together(_pool(pg_world), steps)
    assert sizes == [6]
    assert results == [[], 9_030, [9_030], 9_031, 9_032, [9_030, 9_031, 9_032]]


def test_a_step_whose_caller_gave_up_is_never_sent(pg_world: World) -> None:
    channel = pg_world.channels[("food", "ua")]
    pool = _pool(pg_world)

    async def go() -> list[int]:
        kept = asyncio.ensure_future(plans.run_async(pool, _insert(9_010, channel, 1)))
        dropped = asyncio.ensure_future(plans.run_async(pool, _insert(9_011, channel, 2)))
        await asyncio.sleep(0)  # both queued; the sender has not run yet
        dropped.cancel()
        await kept
        return await plans.run_async(pool, _ids(channel))

    try:
        assert asyncio.run(go()) == [9_010]
    finally:
        pool.close()


def test_a_dropped_connection_fails_its_batch_and_the_next_batch_reconnects(
    pg_world: World,
) -> None:
    channel = pg_world.channels[("food", "ua")]
    pool = _pool(pg_world)

    async def go() -> tuple[list[object], list[int]]:
        await plans.run_async(pool, _ids(channel))
        (conn,) = pool.idle
        killer = await pipeline.PipelineConnection.connect(pool.conninfo)
        kill = ("SELECT pg_terminate_backend(:pid)", {"pid": conn.pgconn.backend_pid})
        await killer.send([([kill], False)])
        killer.discard()
        lost = await asyncio.gather(
            *(plans.run_async(pool, _insert(9_020 + i, channel, i + 1)) for i in range(3)),
            return_exceptions=True,
        )
        return lost, await plans.run_async(pool, _ids(channel))

    try:
        lost, ids = asyncio.run(go())
    finally:
        pool.close()
    assert all(isinstance(x, psycopg.OperationalError) for x in lost)
    assert ids == []


def _bad_read() -> plans.Plan[None]:
    yield Step((Query("SELECT 1 / (:zero - :zero)", {"zero": 0}),))  # division by zero


@hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@hypothesis.given(
    kinds=st.lists(st.sampled_from(["insert", "bad write", "bad read", "read"]), max_size=10),
    batch=st.sampled_from([3, pipeline.BATCH_MAX]),
)
def test_steps_sent_together_do_what_they_would_do_one_after_another(
    pg_world: World, kinds: list[str], batch: int
) -> None:
    """Differential: any mix of steps queued at once gives each the result (or the error) it
    would get if the steps ran one at a time in the same order (also when they need several
    pipelines: ``batch`` steps at most in each)."""
    channel = pg_world.channels[("food", "ua")]
    present = set(_async(pg_world, _ids(channel)))
    first = max(present, default=100_000) + 1
    steps: list[plans.Plan[Any]] = []
    expected: list[object] = []
    for i, kind in enumerate(kinds):
        if kind == "insert":
            steps.append(_insert(first + i, channel, first + i))
            present.add(first + i)
            expected.append(first + i)
        elif kind == "bad write":
            steps.append(_failing_write(first + i, channel))
            expected.append(psycopg.errors.UniqueViolation)
        elif kind == "bad read":
            steps.append(_bad_read())
            expected.append(psycopg.errors.DivisionByZero)
        else:
            steps.append(_ids(channel))
            expected.append(sorted(present))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "BATCH_MAX", batch)
        got = _together(_pool(pg_world), steps)
    assert [type(g) if isinstance(g, Exception) else g for g in got] == expected
    assert _async(pg_world, _ids(channel)) == sorted(present)


def test_requests_batched_together_each_get_only_what_their_caller_may_read(
    pg_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both parties post and read at once, and one tries the other's channel: the answers
    share pipelines, and none carries a word of the other party."""
    import httpx

    sizes = _counting_sends(monkeypatch)
    ua, ru = pg_world.channels[("food", "ua")], pg_world.channels[("food", "ru")]

    def headers(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {pg_world.tokens[who]}"}

    async def go() -> list[tuple[str, str, httpx.Response]]:
        transport = httpx.ASGITransport(app=pg_world.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            calls = []
            for i in range(15):
                for who, mine, theirs in (("ua", ua, ru), ("ru", ru, ua)):
                    url = f"/api/channels/{mine}/messages"
                    calls.append(
                        (
                            who,
                            "post",
                            c.post(url, json={"text": f"{who}-secret-{i}"}, headers=headers(who)),
                        )
                    )
                    calls.append((who, "read", c.get(url, headers=headers(who))))
                    calls.append(
                        (
                            who,
                            "pry",
                            c.get(f"/api/channels/{theirs}/messages", headers=headers(who)),
                        )
                    )
            answers = await asyncio.gather(*(call for _, _, call in calls))
            return [(who, kind, a) for (who, kind, _), a in zip(calls, answers, strict=True)]

    answers = asyncio.run(go())
    assert max(sizes) > 1  # requests really shared pipelines
    for who, kind, answer in answers:
        other = "ru" if who == "ua" else "ua"
        assert f"{other}-secret" not in answer.text
        if kind == "post":
            assert answer.status_code == 201
            assert answer.json()["text"].startswith(f"{who}-secret-")
        elif kind == "read":
            assert answer.status_code == 200
            assert all(m["text"].startswith(f"{who}-secret-") for m in answer.json())
        else:
            assert answer.status_code == 404


def test_a_long_answer_and_a_large_request_in_one_pipeline_do_not_block_each_other(
    pg_world: World,
) -> None:
    """The server sends the first step's 8 MB while the pool still sends the second step's
    16 MB: neither side may wait for the other to read (libpq's pipeline deadlock)."""

    def long_read() -> plans.Plan[int]:
        rows = yield Step((Query("SELECT repeat('x', :n)", {"n": 8_000_000}),))
        return len(rows[0][0][0])

    def large_request() -> plans.Plan[int]:
        rows = yield Step((Query("SELECT length(:blob)", {"blob": b"y" * 16_000_000}),))
        return int(rows[0][0][0])

    pool = _pool(pg_world)

    async def go() -> list[int]:
        both = asyncio.gather(
            plans.run_async(pool, long_read()), plans.run_async(pool, large_request())
        )
        return list(await asyncio.wait_for(both, timeout=30))

    try:
        assert asyncio.run(go()) == [8_000_000, 16_000_000]
    finally:
        pool.close()
