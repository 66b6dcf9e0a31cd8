"""Shared fixtures: the two databases every database test runs on."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from core.db.database import Database
from core.models import Base
from migrations import runner
from tests import databases

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
T = TypeVar("T")


def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run blocking code (asyncio.run, Alembic) in its own thread: fixtures may be set up inside the loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A private, migrated PostgreSQL database for this test run."""
    problem = in_thread(asyncio.run, databases.postgres_reachable())
    if problem is not None:
        message = f"PostgreSQL at {databases.admin_url()} is unreachable: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing PostgreSQL is a failure)")
        pytest.skip(message)
    url = in_thread(asyncio.run, databases.create_database())
    try:
        in_thread(runner.upgrade, url)
        yield url
    finally:
        in_thread(asyncio.run, databases.drop_database(url))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    in_thread(runner.upgrade, f"sqlite+aiosqlite:///{path}")
    return path


def sqlite_copy(template: Path, target_dir: Path) -> str:
    """A fresh migrated SQLite database for one test."""
    target = target_dir / "panel.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def truncate_all(db: Database) -> None:
    """Empty every table of a PostgreSQL test database and restart its id sequences."""
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        database = Database(sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path))
        try:
            yield database
        finally:
            await database.dispose()
        return
    database = Database(request.getfixturevalue("pg_url"))
    try:
        yield database
    finally:
        await truncate_all(database)
        await database.dispose()


@pytest.fixture
async def pg_db(pg_url: str) -> AsyncIterator[Database]:
    """A migrated, empty PostgreSQL database, for tests about concurrency."""
    database = Database(pg_url)
    try:
        yield database
    finally:
        await truncate_all(database)
        await database.dispose()
