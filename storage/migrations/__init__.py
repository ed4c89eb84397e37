"""Alembic migrations of the newsbot schema (configured in storage.migrate)."""
