"""Benchmarks and reference computations for gobetween's analysis engine.

Run ``make bench`` (``python -m benchmarks.run``). Everything here is test/benchmark code: it may
import NegMAS (AGPL, a test-only dependency), which ``src/gobetween`` never does.

- :mod:`benchmarks.genius_reference`: an independent reader of Genius XML on Genius's own
  semantics and vectorised brute-force enumeration (the oracle of ``tests/analysis``).
- :mod:`benchmarks.negmas_side`: NegMAS 0.16 utility functions built from normalised values,
  and NegMAS's frontier and Nash point.
- :mod:`benchmarks.analysis_speed`: the side-by-side timing and memory cases.
- :mod:`benchmarks.run`: the entry point; writes the figures section of ``docs/benchmarks.md``.
"""
