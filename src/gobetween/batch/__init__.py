"""Batch work beyond one request: tournaments of mediator strategies over many scenarios.

- :mod:`~gobetween.batch.tasks`: the runs to play (scenario, strategy, behaviour, seed);
- :mod:`~gobetween.batch.pool`: forked workers with per-run time limits that kill a stuck run;
- :mod:`~gobetween.batch.store`: results appended to CSV or Parquet, so reruns resume;
- :mod:`~gobetween.batch.report`: per strategy: agreements, Pareto-optimal, distance to Nash;
- :mod:`~gobetween.batch.remote`: the same on Dask's distributed scheduler (optional extra).

The strategies and behaviours themselves are pure: :mod:`gobetween.rehearsal`.
"""
