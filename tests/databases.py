"""Test databases: a private PostgreSQL database per test run and a migrated SQLite template.

Every test run creates its own PostgreSQL database (other runs may share the server), migrates it once
with the real migrations, and truncates it between tests. SQLite tests get a fresh copy of a migrated
template file each.
"""

from __future__ import annotations

import os
import uuid

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    """The PostgreSQL the tests may use (PANEL_TEST_DATABASE_URL)."""
    return os.environ.get("PANEL_TEST_DATABASE_URL", DEFAULT_PG_URL)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        connection = await asyncpg.connect(_dsn(admin_url()), timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


async def create_database() -> str:
    """Create a private database and return its SQLAlchemy URL."""
    name = f"panel_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(_dsn(admin_url()))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    """Drop a database created by create_database."""
    name = make_url(url).database
    connection = await asyncpg.connect(_dsn(admin_url()))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
