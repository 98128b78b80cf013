"""The PostgreSQL test database's system catalogs, vacuumed (tests/conftest.py runs it once before
the tests): each test's schema leaves dead rows in ``pg_class``, ``pg_attribute``, ``pg_depend``
and the rest when it is dropped, and a server without autovacuum keeps them for good."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from tests.service.conftest import postgres_url


def vacuum_catalogs() -> float:
    """``VACUUM (ANALYZE)`` of the test database when PostgreSQL is reachable; the seconds it took
    (0.0 when there is no server: the PostgreSQL tests then skip or fail on their own)."""
    url, _reason = postgres_url()
    if url is None:
        return 0.0
    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
    try:
        with engine.connect() as conn:
            started = conn.execute(text("select clock_timestamp()")).scalar_one()
            conn.execute(text("VACUUM (ANALYZE)"))
            seconds = conn.execute(
                text("select extract(epoch from clock_timestamp() - :t)"), {"t": started}
            ).scalar_one()
    finally:
        engine.dispose()
    return float(seconds)
