"""Tests of the storage package, on SQLite and PostgreSQL."""
