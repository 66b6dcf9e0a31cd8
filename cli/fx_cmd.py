"""`panel fx ...`: exchange rates from provider currencies to the panel currency."""

from __future__ import annotations

import click

from cli.runtime import run_in_transaction, settings
from core.db.database import Database
from core.pricing import service as pricing


@click.group("fx")
def fx_group() -> None:
    """Exchange rates to the panel currency."""


@fx_group.command("set")
@click.argument("currency")
@click.argument("rate")
def set_rate(currency: str, rate: str) -> None:
    """Set how many units of the panel currency one CURRENCY buys."""
    panel_currency = settings().currency

    async def work(db: Database) -> str:
        async with db.transaction() as session:
            row = await pricing.set_exchange_rate(
                session, currency, rate.strip(), panel_currency=panel_currency
            )
            return f"1 {row.currency} = {row.rate.normalize()} {panel_currency}"

    click.echo(run_in_transaction(work))


@fx_group.command("list")
def list_rates() -> None:
    """Every exchange rate."""
    panel_currency = settings().currency

    async def work(db: Database) -> list[str]:
        async with db.transaction() as session:
            return [
                f"1 {row.currency} = {row.rate.normalize()} {panel_currency}  (updated {row.updated_at:%Y-%m-%d %H:%M}Z)"
                for row in await pricing.list_exchange_rates(session)
            ]

    lines = run_in_transaction(work)
    click.echo("\n".join(lines) if lines else f"no exchange rates; everything is priced in {panel_currency}")
