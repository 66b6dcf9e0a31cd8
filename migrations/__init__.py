"""Alembic migrations (one linear history) and the functions that run them."""
