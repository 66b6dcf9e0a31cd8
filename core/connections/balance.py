"""Provider balances: asked periodically, stored on the connection, shown to the admin.

Dispatch reads the stored balance: a route whose provider's known balance cannot cover an order's cost is
skipped as unavailable for that order (and dispatch lowers the stored figure by each order's cost until
the next check replaces it with the provider's own number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import structlog
from sqlalchemy import select

from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.errors import DomainError, NotFound
from core.money import amount
from providers.errors import ProviderError

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class BalanceReading:
    """One provider's balance as last seen, or why it could not be read now."""

    provider_id: int
    name: str
    balance: Decimal | None
    currency: str | None
    checked_at: datetime | None
    error: str | None = None


async def check_balance(db: Database, adapters: AdapterFactory, provider_id: int) -> BalanceReading:
    """Ask one provider for its balance and store it; on failure keep the last reading and say why."""
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, provider_id)
        if connection is None:
            raise NotFound(f"unknown provider id {provider_id}")
    error: str | None = None
    try:
        info = await adapters.for_connection(connection).balance()
    except (ProviderError, DomainError) as exc:
        error = str(exc)
        log.warning("provider_balance_failed", provider=connection.name, error=error)
    async with db.transaction() as session:
        row = await session.get(ProviderConnection, provider_id, with_for_update=True)
        if row is None:
            raise NotFound(f"unknown provider id {provider_id}")
        if error is None:
            row.balance = amount(info.balance)
            row.balance_currency = (info.currency or row.currency).upper()[:3]
            row.balance_checked_at = utcnow()
        return BalanceReading(
            row.id, row.name, row.balance, row.balance_currency, row.balance_checked_at, error
        )


async def check_balances(
    db: Database, adapters: AdapterFactory, *, name: str | None = None
) -> list[BalanceReading]:
    """Check every enabled provider (or the one named), one after the other."""
    async with db.transaction() as session:
        query = select(ProviderConnection.id, ProviderConnection.name).order_by(ProviderConnection.name)
        if name is not None:
            query = query.where(ProviderConnection.name == name)
        else:
            query = query.where(ProviderConnection.enabled.is_(True))
        rows = (await session.execute(query)).all()
    if name is not None and not rows:
        raise NotFound(f"unknown provider {name!r}")
    return [await check_balance(db, adapters, provider_id) for provider_id, _ in rows]
