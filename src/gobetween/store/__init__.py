"""Persistence: SQLAlchemy tables, scoped repositories, Alembic migrations, audit chain."""

# The stage 4-5 tables live in their own module; importing it registers them on Base.metadata.
from gobetween.store import agreement_tables as agreement_tables
