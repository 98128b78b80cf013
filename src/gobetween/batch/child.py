"""A tournament worker in a fresh interpreter: ``python -m gobetween.batch.child IN OUT``.

Started by :func:`gobetween.batch.pool.fresh_interpreter` with two pipe file descriptors: it
reads its setup ``(document, name, rounds)`` (one scenario as a gobetween JSON document, its
name in the results, the rounds per run), then chunks of batches of tasks, and writes a batch's
rows at a time
(:func:`gobetween.batch.pool.serve`) until told to stop.
"""

from __future__ import annotations

import signal
import sys
from multiprocessing.connection import Connection

from gobetween.batch.pool import serve
from gobetween.batch.tasks import Player
from gobetween.formats.scenario_file import loads_scenario


def main(argv: list[str]) -> int:
    """Serve tasks over the pipes named in ``argv``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    inbox = Connection(int(argv[1]), writable=False)
    outbox = Connection(int(argv[2]), readable=False)
    document, name, rounds = inbox.recv()
    scenario = loads_scenario(document, fmt="json", source=name)
    serve(inbox, outbox, Player({name: scenario}, rounds=rounds).play_batch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
