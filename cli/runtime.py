"""What every command shares: settings, the database, schema checks and error reporting."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TypeVar

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError, OperationalError

from core.db.database import Database
from core.errors import DomainError
from core.money import MoneyError, exact_amount
from core.settings import Settings, get_settings
from migrations import runner

T = TypeVar("T")


def settings() -> Settings:
    """The process settings; a bad PANEL_ variable is a one-line error."""
    try:
        return get_settings()
    except ValueError as exc:
        first = str(exc).splitlines()
        raise click.ClickException(f"bad configuration: {' '.join(first[:3])}") from None


def ensure_schema(database_url: str) -> None:
    """Migrate the embedded SQLite database automatically; require `panel migrate` for PostgreSQL."""
    if database_url.startswith("sqlite"):
        runner.upgrade(database_url)
        return

    async def current_revision() -> str | None:
        db = Database(database_url)
        try:
            async with db.engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        finally:
            await db.dispose()

    try:
        current = asyncio.run(current_revision())
    except (OSError, DBAPIError) as exc:
        raise click.ClickException(f"cannot reach the database: {type(exc).__name__}") from None
    head = ScriptDirectory.from_config(runner.alembic_config(database_url)).get_current_head()
    if current != head:
        raise click.ClickException("the database is not migrated to the latest version; run `panel migrate`")


def run_in_transaction(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` against the configured database and map domain errors to one-line CLI errors."""
    config = settings()
    ensure_schema(config.database_url)

    async def main() -> T:
        db = Database(config.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    except OperationalError as exc:
        raise click.ClickException(f"database error: {type(exc.orig).__name__}") from None


def parse_amount(value: str, *, allow_negative: bool = False, allow_zero: bool = False) -> Decimal:
    """A money amount typed by a person: a number with at most 5 decimal places."""
    try:
        number = exact_amount(value)
    except (MoneyError, TypeError):
        raise click.ClickException(f"not an amount: {value!r} (use a number such as 25 or 10.50)") from None
    if number < 0 and not allow_negative:
        raise click.ClickException(f"the amount must not be negative: {value}")
    if number == 0 and not allow_zero:
        raise click.ClickException("the amount must not be zero")
    return number
