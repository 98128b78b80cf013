"""Persistence: SQLAlchemy tables, scoped repositories, Alembic migrations, audit chain."""
