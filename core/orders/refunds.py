"""Settling an order that reached a terminal state: the one place that refunds orders.

A terminal order is owed `refund_for_final_state` (Canceled: everything; Partial: the undelivered share;
Completed: nothing). The credit goes through the ledger under the key `order:{id}:refund`, so however often
this runs, and whoever runs it (status sync, dispatch giving up, a local cancel, an admin), the customer
is refunded at most once; `Order.refunded` changes in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.domain import is_package
from core.catalog.models import Service
from core.errors import Conflict
from core.ledger import service as ledger
from core.money import ZERO
from core.orders.domain import TERMINAL_STATES, OrderState, billable_units, refund_for_final_state
from core.orders.models import Order, OrderEvent


def refund_key(order_id: int) -> str:
    """The ledger idempotency key of an order's refund."""
    return f"order:{order_id}:refund"


class Settleable(Protocol):
    """What the refund rule reads from an order (an ORM `Order` or a status-sync snapshot)."""

    state: OrderState
    charge: Decimal
    refunded: Decimal
    quantity: int
    runs: int | None
    remains: int | None


def refund_due(order: Settleable, *, package: bool) -> Decimal:
    """What a terminal order is still owed: its refund by the rules, less what was refunded already."""
    units = billable_units(quantity=order.quantity, runs=order.runs, is_package=package)
    owed = refund_for_final_state(order.state, order.charge, units, order.remains)
    return owed - order.refunded if owed > order.refunded else ZERO


async def _is_package(session: AsyncSession, service_id: int) -> bool:
    service = await session.get(Service, service_id)
    return is_package(service.type) if service is not None else False


async def settle(session: AsyncSession, order: Order, *, memo: str | None = None) -> Decimal:
    """Refund what a terminal order is owed and not yet refunded; returns the amount credited now.

    The caller holds the order row (a lock or an atomic claim) in the current transaction.
    """
    if order.state not in TERMINAL_STATES:
        raise Conflict(f"order {order.id} is {order.state.value}, not finished; nothing to settle")
    due = refund_due(order, package=await _is_package(session, order.service_id))
    if due <= ZERO:
        return ZERO
    posting = await ledger.refund(
        session,
        order.user_id,
        due,
        key=refund_key(order.id),
        order_id=order.id,
        memo=memo or f"order {order.id} {order.state.value}",
    )
    # A replayed posting was committed together with its `refunded` update, so only a new one adds.
    if posting.created:
        # Flushed with the rest of the transaction: a status sync settles many orders in one go.
        order.refunded = order.refunded + due
        session.add(OrderEvent(order_id=order.id, kind="refund", detail=f"refunded {due}"))
        return due
    return ZERO
