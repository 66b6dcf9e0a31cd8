"""SQL for the order pipeline: atomic claims, and the lists of orders, refills and cancels needing work.

Every claim is one conditional UPDATE, so when two workers (or a worker and the sweep) race for the same
row exactly one of them wins; the loser sees zero rows and returns early.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.domain import is_package
from core.catalog.models import ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection
from core.orders.domain import ACCEPTED_STATES, CancelState, OrderState, RefillState
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.pricing.models import ExchangeRate


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0


async def claim_for_dispatch(session: AsyncSession, order_id: int, now: datetime) -> int | None:
    """queued → submitting, unless someone else claimed it or its retry time has not come.

    Returns the claim token (the new `dispatch_attempts`): every later write of this dispatch checks it,
    so a worker whose claim was taken over (by the sweep, after a stall) can no longer touch the order.
    """
    result = await session.execute(
        update(Order)
        .where(
            Order.id == order_id,
            Order.state == OrderState.QUEUED,
            or_(Order.next_check_at.is_(None), Order.next_check_at <= now),
        )
        .values(
            state=OrderState.SUBMITTING,
            dispatch_attempts=Order.dispatch_attempts + 1,
            submit_started_at=None,
            updated_at=now,
        )
        .returning(Order.dispatch_attempts)
        .execution_options(synchronize_session=False)
    )
    token = result.scalar_one_or_none()
    return int(token) if token is not None else None


async def cancel_if_queued(session: AsyncSession, order_id: int, now: datetime) -> bool:
    """queued → canceled in one step, for a cancel that arrives before dispatch claimed the order."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.state == OrderState.QUEUED)
        .values(state=OrderState.CANCELED, finished_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def locked_order(session: AsyncSession, order_id: int) -> Order | None:
    """The order row, locked for the rest of the transaction (FOR UPDATE on PostgreSQL)."""
    return await session.get(Order, order_id, with_for_update=True, populate_existing=True)


@dataclass(frozen=True)
class RouteOption:
    """A live route of a service with what dispatch needs to use it."""

    route_id: int
    priority: int
    connection: ProviderConnection
    provider_service: ProviderService


async def live_route_options(session: AsyncSession, service_id: int) -> list[RouteOption]:
    """The service's usable routes (route enabled, provider enabled, provider service listed) by priority."""
    rows = await session.execute(
        select(ServiceRoute.id, ServiceRoute.priority, ProviderConnection, ProviderService)
        .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
        .join(ProviderConnection, ProviderConnection.id == ProviderService.provider_id)
        .where(
            ServiceRoute.service_id == service_id,
            ServiceRoute.enabled.is_(True),
            ProviderService.removed_at.is_(None),
            ProviderConnection.enabled.is_(True),
        )
        .order_by(ServiceRoute.priority, ServiceRoute.id)
    )
    return [RouteOption(route_id, priority, conn, ps) for route_id, priority, conn, ps in rows]


async def exchange_rates(session: AsyncSession, panel_currency: str) -> dict[str, Decimal]:
    """Every known exchange rate to the panel currency, the panel currency itself included (1)."""
    rates = {row.currency: row.rate for row in await session.scalars(select(ExchangeRate))}
    rates[panel_currency] = Decimal(1)
    return rates


async def due_status_checks(
    session: AsyncSession, provider_id: int, now: datetime, *, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(order id, provider order id) of accepted orders at a provider whose check is due, by id."""
    rows = await session.execute(
        select(Order.id, Order.provider_order_id)
        .where(
            Order.provider_id == provider_id,
            Order.state.in_(ACCEPTED_STATES),
            Order.provider_order_id.is_not(None),
            or_(Order.next_check_at.is_(None), Order.next_check_at <= now),
            Order.id > after_id,
        )
        .order_by(Order.id)
        .limit(limit)
    )
    return [(order_id, str(provider_order_id)) for order_id, provider_order_id in rows]


@dataclass
class CheckedOrder:
    """The columns a status check reads and writes, without the ORM's per-object bookkeeping (status
    sync handles a hundred orders per transaction, most of which only get their check times moved)."""

    id: int
    user_id: int
    service_id: int
    state: OrderState
    charge: Decimal
    refunded: Decimal
    quantity: int
    runs: int | None
    provider_order_id: str | None
    created_at: datetime
    raw_status: str | None
    start_count: int | None
    remains: int | None
    provider_charge: Decimal | None
    status_flagged: bool
    last_checked_at: datetime | None
    next_check_at: datetime | None
    last_error: str | None
    finished_at: datetime | None


_CHECKED = [getattr(Order, name) for name in CheckedOrder.__dataclass_fields__]
# Written back by `write_checks`: every column of CheckedOrder a check may change.
_CHECK_WRITES = (
    "state",
    "raw_status",
    "start_count",
    "remains",
    "provider_charge",
    "status_flagged",
    "last_checked_at",
    "next_check_at",
    "last_error",
    "finished_at",
)


async def lock_for_check(session: AsyncSession, order_ids: Sequence[int]) -> list[CheckedOrder]:
    """Orders by id as snapshots, locked in id order (a fixed order keeps lockers from deadlocking)."""
    if not order_ids:
        return []
    rows = await session.execute(
        select(*_CHECKED).where(Order.id.in_(list(order_ids))).order_by(Order.id).with_for_update()
    )
    return [CheckedOrder(*row) for row in rows]


async def write_checks(session: AsyncSession, orders: Sequence[CheckedOrder], now: datetime) -> None:
    """Store checked orders in one executemany UPDATE (same columns for every row)."""
    if not orders:
        return
    table = cast(Table, Order.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("checked_id"))
        .values(updated_at=now, **{name: bindparam(f"new_{name}") for name in _CHECK_WRITES})
    )
    await session.execute(
        statement,
        [{"checked_id": o.id, **{f"new_{name}": getattr(o, name) for name in _CHECK_WRITES}} for o in orders],
    )


async def add_events(session: AsyncSession, events: Sequence[tuple[int, str, str]], now: datetime) -> None:
    """Append (order id, kind, detail) audit events in one statement."""
    if events:
        await session.execute(
            insert(cast(Table, OrderEvent.__table__)),
            [
                {"order_id": i, "kind": kind, "detail": detail[:1000], "created_at": now}
                for i, kind, detail in events
            ],
        )


async def package_service_ids(session: AsyncSession, service_ids: Iterable[int]) -> set[int]:
    """Which of these services are packages (charged per package, not per 1000)."""
    ids = set(service_ids)
    if not ids:
        return set()
    rows = await session.execute(select(Service.id, Service.type).where(Service.id.in_(ids)))
    return {service_id for service_id, service_type in rows if is_package(service_type)}


async def orders_by_user(session: AsyncSession, order_ids: Sequence[int]) -> list[tuple[Order, Service]]:
    """Orders (already locked in this transaction) with their services, by user then id, fresh from the
    rows. Holding the services keeps them in the identity map while the orders are settled."""
    if not order_ids:
        return []
    rows = await session.execute(
        select(Order, Service)
        .join(Service, Service.id == Order.service_id)
        .where(Order.id.in_(list(order_ids)))
        .order_by(Order.user_id, Order.id)
        .execution_options(populate_existing=True)
    )
    return [(order, service) for order, service in rows]


async def claim_refills(
    session: AsyncSession, provider_id: int, now: datetime, *, limit: int
) -> list[tuple[Refill, str]]:
    """requested → submitting for up to `limit` refills of orders at a provider, with their order ids there.

    Rows another forwarder is holding are skipped (SKIP LOCKED), so two forwarders take disjoint batches.
    """
    rows = (
        await session.execute(
            select(Refill, Order.provider_order_id)
            .join(Order, Order.id == Refill.order_id)
            .where(
                Refill.state == RefillState.REQUESTED,
                Order.provider_id == provider_id,
                Order.provider_order_id.is_not(None),
            )
            .order_by(Refill.id)
            .limit(limit)
            .with_for_update(of=Refill, skip_locked=True)
        )
    ).all()
    for refill, _ in rows:
        refill.state = RefillState.SUBMITTING
        refill.updated_at = now
    await session.flush()
    return [(refill, str(provider_order_id)) for refill, provider_order_id in rows]


async def claim_cancels(
    session: AsyncSession, provider_id: int, now: datetime, *, limit: int
) -> list[tuple[CancelRequest, str]]:
    """requested → submitting for up to `limit` cancel requests of accepted orders at a provider."""
    rows = (
        await session.execute(
            select(CancelRequest, Order.provider_order_id)
            .join(Order, Order.id == CancelRequest.order_id)
            .where(
                CancelRequest.state == CancelState.REQUESTED,
                Order.provider_id == provider_id,
                Order.state.in_(ACCEPTED_STATES),
                Order.provider_order_id.is_not(None),
            )
            .order_by(CancelRequest.id)
            .limit(limit)
            .with_for_update(of=CancelRequest, skip_locked=True)
        )
    ).all()
    for cancel, _ in rows:
        cancel.state = CancelState.SUBMITTING
        cancel.updated_at = now
    await session.flush()
    return [(cancel, str(provider_order_id)) for cancel, provider_order_id in rows]
