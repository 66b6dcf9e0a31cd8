"""`panel providers balance [NAME]`: ask providers for the panel's balance there, and store it."""

from __future__ import annotations

import click

from cli.runtime import run_in_transaction, settings
from cli.upstream import with_adapters
from core.connections.adapters import AdapterFactory
from core.connections.balance import BalanceReading, check_balances
from core.db.database import Database


def _line(reading: BalanceReading) -> str:
    shown = "unknown" if reading.balance is None else f"{reading.balance} {reading.currency or ''}".strip()
    checked = reading.checked_at.isoformat(timespec="seconds") if reading.checked_at else "never"
    line = f"{reading.name:<24} {shown:<22} checked {checked}"
    return f"{line}  (now: {reading.error})" if reading.error else line


@click.command("balance")
@click.argument("name", required=False)
def balance(name: str | None) -> None:
    """Check the balance at provider NAME (default: every enabled provider)."""
    config = settings()

    async def work(db: Database) -> list[BalanceReading]:
        async def each(adapters: AdapterFactory) -> list[BalanceReading]:
            return await check_balances(db, adapters, name=name)

        return await with_adapters(config, each)

    readings = run_in_transaction(work)
    if not readings:
        click.echo("no enabled providers")
        return
    for reading in readings:
        click.echo(_line(reading))
    failed = [r.name for r in readings if r.error]
    if failed:
        raise click.ClickException(f"could not read the balance of {', '.join(failed)}")
