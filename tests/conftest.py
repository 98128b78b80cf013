"""Shared by every test: the command line speaks English unless a test chooses a language.

The CLI takes its language from ``--language``, ``GOBETWEEN_LANGUAGE`` or the machine's locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``); a developer whose shell says ``LANG=uk_UA.UTF-8`` would
otherwise see the English tests of ``gobetween`` commands fail. Tests of the languages set or
clear these variables themselves (tests/cli/test_cli_languages.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

#: Hypothesis's own timing checks off for every test: how fast examples are drawn (``too_slow``)
#: and how long one takes (``deadline``) say how busy the machine is, not how gobetween behaves.
#: On 7 December 2026 a property test with no timing of its own failed ``make test`` on "Input
#: generation is slow" while helpers' tests ran beside the suite (load average 19 on 2 cores).
#: Tests that bound time do it themselves, with budgets measured for the purpose.
settings.register_profile("gobetween", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("gobetween")


@pytest.fixture(autouse=True)
def _cli_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBETWEEN_LANGUAGE", "en")


@pytest.fixture
def heap_as_served() -> Iterator[None]:
    """The test process's heap as a server's after start-up (:func:`gobetween.service.app.ready`):
    collected, then frozen, so that a full collection walks only what is made afterwards.

    A test that bounds the CPU time of a writing unit
    (:class:`tests.service.write_units.WriteUnits`) asks for it: otherwise a collection that
    falls inside the unit walks everything the tests before it left in the process, several
    times a server's heap (the CI run of 6 December 2026 timed 0.88 s for a unit whose work is
    0.03 s, where a full collection of a fresh process holding the app takes 0.15 to 0.2 s
    here)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: Markers of the tests that take longest (a browser, a stateful exploration, seconds of work).
LONGEST_FIRST = ("browser", "deep", "slow")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, the rest in their usual order: pytest-xdist hands tests out in
    this order, so that the long ones start while many short ones remain to share, rather than
    one process finishing a 20-second browser walk while the others idle. With the Makefile's
    ``--dist worksteal`` the processes that run out take the tail of the busiest one's queue,
    which is then short tests. (Measured on 6 December 2026: with xdist's default hand-out,
    828 s with this order and 811 s without; with work stealing and this order, 848 s where
    the default took 919 s on the same machine that hour.)"""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONGEST_FIRST))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Before the tests, once (not in each xdist worker): vacuum the PostgreSQL test database's
    catalogs, which the suite bloats (every test creates a schema and drops it: about 250,000
    dead rows of ``pg_attribute`` a run). Where autovacuum is off, as on this workplace's
    machines, they were never reclaimed: on 6 December 2026, after a day's runs, ``pg_attribute``
    held 4.4 million dead rows (890 MB); ``VACUUM`` of that took 12 s, of one run's a few. (It did
    not explain that day's slower runs: the run after a clean start was slower still.)"""
    if hasattr(session.config, "workerinput"):
        return
    from tests.service.catalogs import vacuum_catalogs

    vacuum_catalogs()
