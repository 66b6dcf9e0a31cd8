"""The migrations build exactly the schema the models describe, on both databases, and reverse cleanly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import inspect

from core.db.database import Database
from migrations import runner
from tests.conftest import in_thread


async def test_models_and_migrations_agree(db: Database) -> None:
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(runner.pending_model_changes)
    assert diff == [], f"autogenerate would change: {diff}"


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cycle.db'}"
    runner.upgrade(url)
    runner.downgrade(url, "base")
    runner.upgrade(url)

    async def tables() -> set[str]:
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await database.dispose()

    names = in_thread(asyncio.run, tables())
    assert {"users", "ledger_entries", "orders", "services", "providers"} <= names


@pytest.mark.postgres
def test_downgrade_and_upgrade_on_postgres(pg_url: str) -> None:
    runner.downgrade(pg_url, "base")
    runner.upgrade(pg_url)
