"""The Python side of the message path alone: CPU of the POST and read plans with canned rows.

Drives :func:`gobetween.service.negotiate.post_message_plan` and
:func:`~gobetween.service.negotiate.channel_messages_plan` with the rows their statements would
return (an API token's caller with one membership, a channel of a track with two organisations,
two working languages; a page of 20 messages without attachments, receipts or translations),
so no database, no HTTP and no event loop take part: what is timed is the code that reads the
caller, checks the policy, builds the statements and makes the answer. The figure is the least
process CPU per plan over ``--rounds`` rounds of ``--number`` plans, which other work on a shared
machine inflates least.

    .venv/bin/python -m benchmarks.message_plans
    .venv/bin/python -m benchmarks.message_plans --profile post   # where a POST plan's time goes

To compare commits, run it with each tree's code first on the path (as ``service_profile``);
trees from before the named rows (``07e7bf1``) are driven with their own row shapes.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import time
import timeit
from collections.abc import Callable
from typing import Any

from gobetween.service import negotiate
from gobetween.service.identity import Credentials

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
CREDENTIALS = Credentials(bearer="x" * 40)
#: (track, party, process, organisation, its kind): the channel's track has two organisations
CHANNEL = [(3, 11, 1, 11, "party"), (3, 11, 1, 12, "mediator")]
PAGE = [(i, i, 7, 5, "hello there", NOW, "en") for i in range(1, 21)]


def _caller() -> tuple[Any, ...]:
    """The caller's row: user 5, party member of organisation 11 in process 1 (no second
    factor needed); as wide as the tree's caller statement."""
    full = (5, 1, "party_member", 11, 0, 0, 0)
    kind = getattr(CREDENTIALS, "row", None)
    width = len(kind._fields) if kind is not None else CREDENTIALS.width  # type: ignore[attr-defined]
    return full[:width]


def _written() -> list[list[tuple[Any, ...]]]:
    """What the POST's ordered step returns: the message's row (its number alone before the
    named rows)."""
    try:
        from gobetween.store.messages import MessageRow
    except ImportError:
        return [[(42,)]]
    return [[MessageRow(999, 42, 7, 5, "hello", NOW, "en")]]


def _finish(plan: Any, *answers: Any) -> Any:
    next(plan)
    for answer in answers[:-1]:
        plan.send(answer)
    try:
        plan.send(answers[-1])
    except StopIteration as done:
        return done.value
    raise AssertionError("the plan asked for more steps")


def drivers() -> dict[str, Callable[[], Any]]:
    """One POST and one read of 20, each a call."""
    caller = _caller()
    # the first step's statement joins the caller, the channel, the taken ids (none) and the
    # working languages (two): its rows multiply
    posted = [caller + c + (None,) + lang for c in CHANNEL for lang in (("en", 0), ("uk", 1))]
    written = _written()
    read = [caller + c for c in CHANNEL]

    def post() -> Any:
        plan = negotiate.post_message_plan(
            "postgresql", CREDENTIALS, 7, negotiate.Post("hello", interface="en")
        )
        return _finish(plan, [posted], written)

    def read_page() -> Any:
        plan = negotiate.channel_messages_plan(CREDENTIALS, 7, limit=20)
        return _finish(plan, [read], [PAGE, [], [], []])

    return {"post": post, "read": read_page}


def profile(plan: Callable[[], Any], number: int = 5_000) -> None:
    """Print the functions ``number`` runs of ``plan`` spend most of their own time in, and the
    Python calls a plan makes (the same whatever the machine's load)."""
    for _ in range(200):
        plan()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(number):
        plan()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{stats.total_calls / number:.0f} Python calls a plan")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument(
        "--profile",
        choices=["post", "read"],
        help="instead of timing, profile 5,000 plans of this kind (cProfile, by own time)",
    )
    args = parser.parse_args(argv)
    plans = drivers()
    assert plans["post"]() is not None
    assert len(plans["read"]()) == len(PAGE)
    if args.profile:
        profile(plans[args.profile])
        return
    best = dict.fromkeys(plans, float("inf"))
    for _ in range(args.rounds):
        for name, plan in plans.items():
            timer = timeit.Timer(plan, timer=time.process_time)
            best[name] = min(best[name], timer.timeit(args.number) / args.number)
    print(", ".join(f"{name}: {seconds * 1e6:.1f} us CPU" for name, seconds in best.items()))


if __name__ == "__main__":
    main()
