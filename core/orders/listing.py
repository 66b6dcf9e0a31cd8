"""Lists and look-ups of orders and refills: a customer's own, and the admin's search.

Customer look-ups are scoped to the customer: another customer's order or refill is `UnknownOrder` /
`UnknownRefill`, exactly like one that does not exist, so an id reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput, NotFound
from core.orders.domain import PUBLIC_STATUS, OrderState
from core.orders.errors import UnknownOrder, UnknownRefill
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.pagination import Page, PageRequest, paginate


def public_status_code(state: OrderState) -> str:
    """The customer-facing status as a code: `Pending` → `pending`, `In progress` → `in_progress`."""
    return PUBLIC_STATUS[state].lower().replace(" ", "_")


PUBLIC_STATUS_CODES = tuple(dict.fromkeys(public_status_code(state) for state in OrderState))


def states_for_status(code: str) -> list[OrderState]:
    """The internal states a customer sees as one status code (`pending` covers queued, unknown...)."""
    states = [state for state in OrderState if public_status_code(state) == code]
    if not states:
        raise InvalidInput(f"status is one of {', '.join(PUBLIC_STATUS_CODES)}")
    return states


async def customer_orders_page(
    session: AsyncSession,
    user_id: int,
    request: PageRequest,
    *,
    status: str | None = None,
    service_id: int | None = None,
) -> Page[Order]:
    """The customer's orders, newest first, optionally with one public status or of one service."""
    query = select(Order).where(Order.user_id == user_id).order_by(Order.id.desc())
    if status is not None:
        query = query.where(Order.state.in_(states_for_status(status)))
    if service_id is not None:
        query = query.where(Order.service_id == service_id)
    return await paginate(session, query, request)


async def customer_order(session: AsyncSession, user_id: int, order_id: int) -> Order:
    """One of the customer's orders; anyone else's is `UnknownOrder`."""
    order = await session.get(Order, order_id)
    if order is None or order.user_id != user_id:
        raise UnknownOrder()
    return order


def _customer_refills(user_id: int) -> Select[Refill]:
    return select(Refill).join(Order, Order.id == Refill.order_id).where(Order.user_id == user_id)


async def customer_refills_page(
    session: AsyncSession, user_id: int, request: PageRequest, *, order_id: int | None = None
) -> Page[Refill]:
    """The customer's refill requests, newest first, optionally of one order."""
    query = _customer_refills(user_id).order_by(Refill.id.desc())
    if order_id is not None:
        query = query.where(Refill.order_id == order_id)
    return await paginate(session, query, request)


async def customer_refill(session: AsyncSession, user_id: int, refill_id: int) -> Refill:
    """One of the customer's refill requests; anyone else's is `UnknownRefill`."""
    refill = await session.scalar(_customer_refills(user_id).where(Refill.id == refill_id))
    if refill is None:
        raise UnknownRefill()
    return refill


@dataclass(frozen=True)
class OrderSearch:
    """The admin's order search; every filter is optional."""

    states: tuple[OrderState, ...] = ()
    user_id: int | None = None
    service_id: int | None = None
    provider_id: int | None = None
    provider_order_id: str | None = None
    flagged: bool | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None


async def search_orders(session: AsyncSession, request: PageRequest, where: OrderSearch) -> Page[Order]:
    """Orders matching every given filter, newest first."""
    query = select(Order).order_by(Order.id.desc())
    if where.states:
        query = query.where(Order.state.in_(where.states))
    for column, value in (
        (Order.user_id, where.user_id),
        (Order.service_id, where.service_id),
        (Order.provider_id, where.provider_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.provider_order_id is not None:
        query = query.where(Order.provider_order_id == where.provider_order_id)
    if where.flagged is not None:
        query = query.where(Order.status_flagged.is_(where.flagged))
    if where.created_from is not None:
        query = query.where(Order.created_at >= where.created_from)
    if where.created_before is not None:
        query = query.where(Order.created_at < where.created_before)
    return await paginate(session, query, request)


@dataclass(frozen=True)
class OrderDetail:
    """Everything the admin needs about one order: the row, its audit trail, refills and cancels."""

    order: Order
    events: list[OrderEvent]
    refills: list[Refill]
    cancels: list[CancelRequest]


async def order_detail(session: AsyncSession, order_id: int) -> OrderDetail:
    """One order with its events (oldest first), refills and cancel requests."""
    order = await session.get(Order, order_id)
    if order is None:
        raise NotFound(f"unknown order {order_id}")
    events = await session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    )
    refills = await session.scalars(select(Refill).where(Refill.order_id == order_id).order_by(Refill.id))
    cancels = await session.scalars(
        select(CancelRequest).where(CancelRequest.order_id == order_id).order_by(CancelRequest.id)
    )
    return OrderDetail(order, list(events), list(refills), list(cancels))
