"""Alembic migrations of the gobetween schema (run by ``gobetween db upgrade``)."""
