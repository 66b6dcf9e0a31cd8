"""Refill and cancel requests from customers: recorded here, forwarded to providers by the workers.

Nothing here talks to a provider or moves money. A cancel request only asks; the refund comes when the
order's status says Canceled (workers), exactly once through the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.errors import DomainError
from core.jobs import JobName, enqueue_after_commit
from core.orders.domain import TERMINAL_STATES, CancelState, OrderState, RefillState
from core.orders.errors import NotAvailable, UnknownOrder
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.orders.queries import orders_with_services_for_update

# A request in one of these states is still being handled; a second one for the same order is refused.
OPEN_REFILL_STATES = frozenset(
    {
        RefillState.REQUESTED,
        RefillState.SUBMITTING,
        RefillState.PENDING,
        RefillState.IN_PROGRESS,
        RefillState.UNKNOWN,
    }
)
OPEN_CANCEL_STATES = frozenset(
    {CancelState.REQUESTED, CancelState.SUBMITTING, CancelState.ACCEPTED, CancelState.UNKNOWN}
)
REFILLABLE_STATES = frozenset({OrderState.COMPLETED, OrderState.PARTIAL})


def refill_refusal(order: Order, service: Service, has_open_refill: bool) -> DomainError | None:
    """Why this order cannot be refilled now, or None when it can."""
    if not service.refill:
        return NotAvailable("Refill is disabled for this service")
    if order.state not in REFILLABLE_STATES or order.provider_order_id is None:
        return NotAvailable("Refill is available only for completed or partial orders")
    if has_open_refill:
        return NotAvailable("A refill for this order is already requested")
    return None


def cancel_refusal(order: Order, service: Service, has_open_cancel: bool) -> DomainError | None:
    """Why this order cannot be canceled now, or None when it can."""
    if not service.cancel:
        return NotAvailable("Cancel is disabled for this service")
    if order.state in TERMINAL_STATES:
        return NotAvailable("The order is finished and can no longer be canceled")
    if has_open_cancel:
        return NotAvailable("A cancel for this order is already requested")
    return None


async def _orders_with_open(
    session: AsyncSession,
    model: type[Refill] | type[CancelRequest],
    order_ids: Sequence[int],
    states: frozenset[str],
) -> set[int]:
    rows = await session.scalars(
        select(model.order_id).where(model.order_id.in_(order_ids), model.state.in_(states)).distinct()
    )
    return set(rows)


async def request_refills(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, Refill | DomainError]:
    """Create a refill request for each of the customer's orders that allows one; an error for the others.

    Each created refill is enqueued for forwarding after the transaction commits.
    """
    found = await orders_with_services_for_update(session, user_id, order_ids)
    open_ids = await _orders_with_open(session, Refill, list(found), OPEN_REFILL_STATES) if found else set()
    results: dict[int, Refill | DomainError] = {}
    for order_id in order_ids:
        if order_id in results:
            continue
        if order_id not in found:
            results[order_id] = UnknownOrder()
            continue
        order, service = found[order_id]
        refusal = refill_refusal(order, service, order_id in open_ids)
        if refusal is not None:
            results[order_id] = refusal
            continue
        refill = Refill(order_id=order_id, state=RefillState.REQUESTED)
        session.add(refill)
        session.add(OrderEvent(order_id=order_id, kind="refill_requested", detail="by the customer via API"))
        results[order_id] = refill
    await session.flush()
    for result in results.values():
        if isinstance(result, Refill):
            enqueue_after_commit(session, JobName.FORWARD_REFILL, result.id)
    return results


async def request_cancels(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, CancelRequest | DomainError]:
    """Create a cancel request for each of the customer's orders that allows one; an error for the others.

    Each created request is enqueued for forwarding after the transaction commits.
    """
    found = await orders_with_services_for_update(session, user_id, order_ids)
    open_ids = (
        await _orders_with_open(session, CancelRequest, list(found), OPEN_CANCEL_STATES) if found else set()
    )
    results: dict[int, CancelRequest | DomainError] = {}
    for order_id in order_ids:
        if order_id in results:
            continue
        if order_id not in found:
            results[order_id] = UnknownOrder()
            continue
        order, service = found[order_id]
        refusal = cancel_refusal(order, service, order_id in open_ids)
        if refusal is not None:
            results[order_id] = refusal
            continue
        request = CancelRequest(order_id=order_id, state=CancelState.REQUESTED)
        session.add(request)
        session.add(OrderEvent(order_id=order_id, kind="cancel_requested", detail="by the customer via API"))
        results[order_id] = request
    await session.flush()
    for result in results.values():
        if isinstance(result, CancelRequest):
            enqueue_after_commit(session, JobName.FORWARD_CANCEL, result.id)
    return results
