"""SQL for reports: the money columns of the orders in a period, and the names reports label rows with.

Only columns are read; no money is multiplied in SQL (SQLite stores money as scaled integers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.connections.models import ProviderConnection
from core.orders.models import Order
from core.users.models import User

ORDER_COLUMNS = (
    Order.id,
    Order.created_at,
    Order.user_id,
    Order.service_id,
    Order.provider_id,
    Order.charge,
    Order.refunded,
    Order.cost,
    Order.provider_charge,
    Order.exchange_rate,
)


async def order_rows(
    session: AsyncSession, *, since: datetime | None, until: datetime | None
) -> AsyncIterator[Any]:
    """Rows of ORDER_COLUMNS for orders created in [since, until), streamed in id order."""
    query = select(*ORDER_COLUMNS).order_by(Order.id)
    if since is not None:
        query = query.where(Order.created_at >= since)
    if until is not None:
        query = query.where(Order.created_at < until)
    result = await session.stream(query.execution_options(yield_per=1000))
    async for row in result:
        yield row


async def provider_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """Provider names by id."""
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(
        select(ProviderConnection.id, ProviderConnection.name).where(ProviderConnection.id.in_(wanted))
    )
    return {row_id: name for row_id, name in rows}


async def service_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """Service names by id."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Service.id, Service.name).where(Service.id.in_(wanted)))
    return {row_id: name for row_id, name in rows}


async def user_emails(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """User emails by id."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.email).where(User.id.in_(wanted)))
    return {row_id: email for row_id, email in rows}
