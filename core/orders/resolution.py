"""An admin settles orders whose dispatch outcome is unknown, and lists orders by state.

An `unknown` order may or may not exist at its provider, and nothing automatic resends it. After looking
at the provider's panel the admin decides one of three things:

- `found`: it exists there under this id → `pending`, followed by status sync from now on;
- `resend`: it does not exist → back to `queued`, dispatched again (an explicit human decision);
- `refund`: give up → `canceled` with a full refund (exactly once, through `refunds.settle`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.types import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.jobs import JobName, enqueue_after_commit
from core.orders import refunds, worklist
from core.orders.domain import OrderState
from core.orders.models import Order, OrderEvent

_MAX_PROVIDER_ORDER_ID = 100


async def _unknown_order(session: AsyncSession, order_id: int) -> Order:
    order = await worklist.locked_order(session, order_id)
    if order is None:
        raise NotFound(f"unknown order {order_id}")
    if order.state is not OrderState.UNKNOWN:
        raise Conflict(
            f"order {order_id} is {order.state.value}; only orders in state unknown can be resolved"
        )
    return order


def _note(session: AsyncSession, order: Order, detail: str) -> None:
    session.add(OrderEvent(order_id=order.id, kind="resolved", detail=detail[:1000]))


async def resolve_found(
    session: AsyncSession, order_id: int, provider_order_id: str, *, first_check: timedelta = timedelta(0)
) -> Order:
    """The order exists at its provider as `provider_order_id`: it becomes pending and is followed."""
    value = provider_order_id.strip()
    if not value or len(value) > _MAX_PROVIDER_ORDER_ID or any(c.isspace() for c in value):
        raise InvalidInput("a provider order id is 1-100 characters without spaces")
    order = await _unknown_order(session, order_id)
    if order.provider_id is None:
        raise Conflict(f"order {order_id} has no provider recorded; resend or refund it instead")
    order.state = OrderState.PENDING
    order.provider_order_id = value
    order.submit_started_at = None
    order.last_error = None
    order.next_check_at = utcnow() + first_check
    _note(session, order, f"found at the provider as {value}")
    await session.flush()
    return order


async def resolve_resend(session: AsyncSession, order_id: int) -> Order:
    """The order does not exist at the provider: queue it for dispatch again."""
    order = await _unknown_order(session, order_id)
    order.state = OrderState.QUEUED
    order.submit_started_at = None
    order.route_id = order.provider_id = order.provider_service_id = None
    order.cost = order.cost_currency = order.exchange_rate = None
    order.next_check_at = None
    order.last_error = None
    _note(session, order, "resent by an admin")
    await session.flush()
    enqueue_after_commit(session, JobName.DISPATCH_ORDER, order.id)
    return order


async def resolve_refund(session: AsyncSession, order_id: int) -> Order:
    """Give the order up: canceled and refunded in full."""
    order = await _unknown_order(session, order_id)
    order.state = OrderState.CANCELED
    order.finished_at = utcnow()
    order.submit_started_at = None
    order.next_check_at = None
    _note(session, order, "refunded by an admin")
    await session.flush()
    await refunds.settle(session, order, memo=f"order {order.id} refunded by an admin")
    return order


async def list_orders(
    session: AsyncSession, *, states: Sequence[OrderState] = (), limit: int = 200
) -> list[Order]:
    """Orders, newest first, optionally only in the given states."""
    query = select(Order).order_by(Order.id.desc()).limit(limit)
    if states:
        query = query.where(Order.state.in_(list(states)))
    return list(await session.scalars(query))
