"""What a customer may read about their orders and refills, and the lookups the customer use cases share.

Every query is scoped to one customer: another customer's order or refill is simply not found, so the
API cannot reveal that it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.money import amount
from core.orders.domain import PUBLIC_STATUS, OrderState, RefillState, billable_units
from core.orders.models import Order, Refill

# Refill states as the SMM API shows them (PP: Pending, In progress, Completed, Rejected).
PUBLIC_REFILL_STATUS: dict[RefillState, str] = {
    RefillState.REQUESTED: "Pending",
    RefillState.SUBMITTING: "Pending",
    RefillState.UNKNOWN: "Pending",
    RefillState.PENDING: "Pending",
    RefillState.IN_PROGRESS: "In progress",
    RefillState.COMPLETED: "Completed",
    RefillState.REJECTED: "Rejected",
    RefillState.FAILED: "Rejected",
}


@dataclass(frozen=True)
class OrderStatusView:
    """An order as its customer sees it through `status`.

    `charge` is what the order costs the customer in the end: the charge less any refund, so a Partial
    order shows what was kept and a Canceled one shows 0 (what Perfect Panel shows).
    """

    order_id: int
    status: str
    charge: Decimal
    start_count: int
    remains: int


class _StatusFields(Protocol):
    """The columns `status` needs: an Order, or a row of just these columns."""

    id: int
    state: OrderState
    charge: Decimal
    refunded: Decimal
    start_count: int | None
    remains: int | None
    quantity: int
    runs: int | None


def status_view(order: _StatusFields) -> OrderStatusView:
    """The customer's view of one order; unknown counts become 0 and, until finished, all units remain."""
    if order.remains is not None:
        remains = order.remains
    elif order.state is OrderState.COMPLETED:
        remains = 0
    else:
        remains = billable_units(quantity=order.quantity, runs=order.runs)
    return OrderStatusView(
        order_id=order.id,
        status=PUBLIC_STATUS[order.state],
        charge=amount(order.charge - order.refunded),
        start_count=order.start_count or 0,
        remains=remains,
    )


async def order_statuses(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, OrderStatusView]:
    """The customer's orders among `order_ids`, by id; ids that are not theirs are absent."""
    if not order_ids:
        return {}
    # Only the columns shown: loading 100 whole Order objects costs several times more.
    rows = await session.execute(
        select(
            Order.id,
            Order.state,
            Order.charge,
            Order.refunded,
            Order.start_count,
            Order.remains,
            Order.quantity,
            Order.runs,
        ).where(Order.user_id == user_id, Order.id.in_(order_ids))
    )
    return {row.id: status_view(row) for row in rows}


async def refill_statuses(session: AsyncSession, user_id: int, refill_ids: Sequence[int]) -> dict[int, str]:
    """The public status of the customer's refills among `refill_ids`, by refill id."""
    if not refill_ids:
        return {}
    rows = await session.execute(
        select(Refill.id, Refill.state)
        .join(Order, Order.id == Refill.order_id)
        .where(Order.user_id == user_id, Refill.id.in_(refill_ids))
    )
    return {refill_id: PUBLIC_REFILL_STATUS[state] for refill_id, state in rows}


async def order_by_request_id(session: AsyncSession, user_id: int, request_id: str) -> Order | None:
    """The customer's order placed with this client request id, if any."""
    result: Order | None = await session.scalar(
        select(Order).where(Order.user_id == user_id, Order.client_request_id == request_id)
    )
    return result


async def orders_with_services_for_update(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, tuple[Order, Service]]:
    """The customer's orders among `order_ids` with their services, the order rows locked.

    The lock serialises two requests about the same order (two refills at once must not both pass the
    "one open request" check). SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already serialises writers.
    """
    if not order_ids:
        return {}
    rows = await session.execute(
        select(Order, Service)
        .join(Service, Service.id == Order.service_id)
        .where(Order.user_id == user_id, Order.id.in_(order_ids))
        .order_by(Order.id)
        .with_for_update(of=Order)
    )
    return {order.id: (order, service) for order, service in rows}
