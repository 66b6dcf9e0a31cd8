"""Refill and cancel requests from customers: recorded here, forwarded to providers by the workers.

Nothing here talks to a provider or moves money. A cancel request only asks; the refund comes when the
order's status says Canceled (workers), exactly once through the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
# An `unknown` request (the provider's reply left it out) does not block a new one: refill and cancel
# requests move no money and are safe to send again, so the customer can simply ask once more.
OPEN_REFILL_STATES = frozenset(
    {RefillState.REQUESTED, RefillState.SUBMITTING, RefillState.PENDING, RefillState.IN_PROGRESS}
)
OPEN_CANCEL_STATES = frozenset({CancelState.REQUESTED, CancelState.SUBMITTING, CancelState.ACCEPTED})
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


@dataclass(frozen=True)
class _RequestKind:
    """What differs between a refill request and a cancel request."""

    model: type[Refill] | type[CancelRequest]
    open_states: frozenset[str]
    refusal: Callable[[Order, Service, bool], DomainError | None]
    job: JobName
    event: str


_REFILL = _RequestKind(Refill, OPEN_REFILL_STATES, refill_refusal, JobName.FORWARD_REFILL, "refill_requested")
_CANCEL = _RequestKind(
    CancelRequest, OPEN_CANCEL_STATES, cancel_refusal, JobName.FORWARD_CANCEL, "cancel_requested"
)


async def _create_requests(
    session: AsyncSession, user_id: int, order_ids: Sequence[int], kind: _RequestKind
) -> dict[int, Any]:
    """One request per allowed order (rows locked, so racing calls cannot both open one); errors otherwise.

    Each created request is enqueued for forwarding after the transaction commits.
    """
    found = await orders_with_services_for_update(session, user_id, order_ids)
    open_ids = await _orders_with_open(session, kind.model, list(found), kind.open_states) if found else set()
    results: dict[int, Any] = {}
    for order_id in order_ids:
        if order_id in results:
            continue
        if order_id not in found:
            results[order_id] = UnknownOrder()
            continue
        order, service = found[order_id]
        refusal = kind.refusal(order, service, order_id in open_ids)
        if refusal is not None:
            results[order_id] = refusal
            continue
        request = kind.model(order_id=order_id)
        session.add(request)
        session.add(OrderEvent(order_id=order_id, kind=kind.event, detail="by the customer via API"))
        results[order_id] = request
    await session.flush()
    for result in results.values():
        if isinstance(result, kind.model):
            enqueue_after_commit(session, kind.job, result.id)
    return results


async def request_refills(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, Refill | DomainError]:
    """Create a refill request for each of the customer's orders that allows one; an error for the others."""
    return await _create_requests(session, user_id, order_ids, _REFILL)


async def request_cancels(
    session: AsyncSession, user_id: int, order_ids: Sequence[int]
) -> dict[int, CancelRequest | DomainError]:
    """Create a cancel request for each of the customer's orders that allows one; an error for the others."""
    return await _create_requests(session, user_id, order_ids, _CANCEL)
