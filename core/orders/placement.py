"""Placing an order: validate, price, charge and queue it for dispatch, all in the caller's transaction.

Exactly-once with a client request id: the (user, client_request_id) pair is unique. A retry finds the
first order by that id and returns it without charging again. Two concurrent first attempts both try to
insert; the loser's INSERT waits for the winner's transaction (PostgreSQL) and then fails on the unique
constraint inside a SAVEPOINT, which it rolls back before re-reading and returning the winner's order.
On SQLite, BEGIN IMMEDIATE serialises the two, so the second simply finds the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.errors import InsufficientFunds
from core.jobs import JobName, enqueue_after_commit
from core.ledger import service as ledger
from core.money import ZERO
from core.orders.domain import OrderState, order_charge
from core.orders.errors import RequestIdReused, UnknownService
from core.orders.intake import ServiceTerms, fingerprint, parse_service_id, read_order_spec
from core.orders.models import Order, OrderEvent
from core.orders.queries import order_by_request_id
from core.pricing.domain import customer_rate
from core.users.models import User


@dataclass(frozen=True)
class Placement:
    """The order an `add` produced, and whether this call created it (False for a replayed retry)."""

    order: Order
    created: bool


def _replay(existing: Order, request_fingerprint: str) -> Placement:
    """A retry with a known request id: the same parameters get the same order, others are refused."""
    if existing.request_fingerprint != request_fingerprint:
        raise RequestIdReused()
    return Placement(existing, created=False)


async def _enabled_service(session: AsyncSession, service_id: int) -> Service:
    service = await session.get(Service, service_id)
    if service is None or not service.enabled:
        raise UnknownService()
    return service


async def place_order(
    session: AsyncSession,
    user: User,
    raw: Mapping[str, str],
    *,
    request_id: str | None,
    price_step: Decimal,
) -> Placement:
    """Place an order for `user` from the raw `add` parameters and debit its charge.

    The Order row (state queued), its ledger charge (`order:{id}:charge`) and an audit event are written
    in the caller's transaction; dispatch is enqueued to run after it commits. `request_id` (already
    validated, see `intake.client_request_id`) makes a retry return the first order and charge nothing.
    Raises the errors of `intake.read_order_spec`, `UnknownService`, `RequestIdReused` and
    `InsufficientFunds`.
    """
    request_fingerprint = fingerprint(raw)
    if request_id is not None:
        # Before any validation: a retry must get its order even if the service was disabled since.
        existing = await order_by_request_id(session, user.id, request_id)
        if existing is not None:
            return _replay(existing, request_fingerprint)
    service = await _enabled_service(session, parse_service_id(raw.get("service")))
    terms = ServiceTerms(service.type, service.min_quantity, service.max_quantity, service.dripfeed)
    spec = read_order_spec(terms, raw)
    sell_rate = customer_rate(service.rate, user.discount_percent, price_step)
    charge = order_charge(sell_rate, spec.units, is_package=spec.is_package)
    if charge > user.balance:
        # A cheap early answer; the ledger's conditional debit below is what actually guarantees it.
        raise InsufficientFunds()
    order = Order(
        user_id=user.id,
        service_id=service.id,
        link=spec.link,
        quantity=spec.quantity,
        runs=spec.runs,
        interval=spec.interval,
        params=spec.params,
        charge=charge,
        refunded=ZERO,
        state=OrderState.QUEUED,
        client_request_id=request_id,
        request_fingerprint=request_fingerprint,
    )
    if request_id is None:
        session.add(order)
        await session.flush()
    else:
        try:
            async with session.begin_nested():
                session.add(order)
                await session.flush()
        except IntegrityError:
            existing = await order_by_request_id(session, user.id, request_id)
            if existing is None:
                raise
            return _replay(existing, request_fingerprint)
    session.add(
        OrderEvent(order_id=order.id, kind="placed", detail=f"charge {charge} at rate {sell_rate} via API")
    )
    await session.flush()
    if charge > ZERO:
        # Last before the commit: the debit locks the customer's balance row until the transaction ends,
        # so everything else is done before it and one customer's orders queue on that lock briefly.
        await ledger.charge(session, user.id, charge, key=f"order:{order.id}:charge", order_id=order.id)
    enqueue_after_commit(session, JobName.DISPATCH_ORDER, order.id)
    return Placement(order, created=True)
