"""Admin actions on orders: settle the unknown-outcome queue, and refund by hand.

Resolving delegates to `resolution` (found / resend / refund). A manual refund is a goodwill credit on
any settled or running order: at most what was charged and not yet refunded, through the ledger under
`order:{id}:manual:{key}`, and counted in `Order.refunded`, so the automatic refund a terminal status
triggers later (`refunds.settle`) pays only what is still owed beyond it and the customer never gets
back more than the charge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.ledger import repository as ledger_entries
from core.ledger import service as ledger
from core.money import ZERO, MoneyError, exact_amount
from core.orders import resolution, worklist
from core.orders.domain import OrderState
from core.orders.models import Order, OrderEvent

MAX_REASON_LENGTH = 500
MAX_CLIENT_KEY_LENGTH = 150


class Resolution(StrEnum):
    """The admin's verdict on an order whose dispatch outcome is unknown."""

    FOUND = "found"
    RESEND = "resend"
    REFUND = "refund"


async def resolve(
    session: AsyncSession,
    order_id: int,
    verdict: Resolution,
    *,
    provider_order_id: str | None = None,
    first_check: timedelta = timedelta(0),
) -> Order:
    """Settle an `unknown` order: found at the provider (with its id there), resent, or refunded."""
    if verdict is Resolution.FOUND:
        if provider_order_id is None:
            raise InvalidInput("say under which id the provider has the order (provider_order_id)")
        return await resolution.resolve_found(session, order_id, provider_order_id, first_check=first_check)
    if provider_order_id is not None:
        raise InvalidInput("provider_order_id belongs only to the `found` resolution")
    if verdict is Resolution.RESEND:
        return await resolution.resolve_resend(session, order_id)
    return await resolution.resolve_refund(session, order_id)


@dataclass(frozen=True)
class ManualRefund:
    """What a manual refund did: the amount credited now (0 for a replayed request) and the order after."""

    order: Order
    refunded_now: Decimal
    entry_id: int


def manual_refund_key(order_id: int, client_key: str | None) -> str:
    """The ledger idempotency key of a manual refund."""
    if client_key is None:
        return f"order:{order_id}:manual:{uuid.uuid4()}"
    if len(client_key) > MAX_CLIENT_KEY_LENGTH or not client_key.isprintable():
        raise InvalidInput(f"an idempotency key is 1-{MAX_CLIENT_KEY_LENGTH} printable characters")
    return f"order:{order_id}:manual:{client_key}"


def _amount(value: object | None, refundable: Decimal) -> Decimal:
    if value is None:
        return refundable
    try:
        money = exact_amount(value)
    except (MoneyError, TypeError):
        raise InvalidInput(f"not an amount: {value!r}") from None
    if money <= ZERO:
        raise InvalidInput("a refund must be positive")
    if money > refundable:
        raise Conflict(f"at most {refundable} of this order can still be refunded")
    return money


async def manual_refund(
    session: AsyncSession,
    order_id: int,
    *,
    reason: str,
    value: object | None = None,
    client_key: str | None = None,
) -> ManualRefund:
    """Credit back part or all (`value` None) of what an order charged and has not refunded yet.

    Orders in `unknown` are settled through `resolve` instead: refunding them here would leave an order
    that may still be bought upstream. A retry with the same `client_key` returns the first refund.
    """
    memo = reason.strip()
    if not memo or len(memo) > MAX_REASON_LENGTH:
        raise InvalidInput(f"a refund needs a reason of 1-{MAX_REASON_LENGTH} characters")
    key = manual_refund_key(order_id, client_key)
    order = await worklist.locked_order(session, order_id)
    if order is None:
        raise NotFound(f"unknown order {order_id}")
    replayed = await ledger_entries.entry_by_key(session, key)
    if replayed is not None:
        if replayed.order_id != order.id:
            raise Conflict("this idempotency key was already used for another change")
        return ManualRefund(order, ZERO, replayed.id)
    if order.state is OrderState.UNKNOWN:
        raise Conflict(f"order {order_id} has an unknown outcome; resolve it instead")
    money = _amount(value, order.charge - order.refunded)
    if money <= ZERO:
        raise Conflict(f"order {order_id} has nothing left to refund")
    posting = await ledger.refund(session, order.user_id, money, key=key, order_id=order.id, memo=memo)
    if posting.created:
        order.refunded = order.refunded + money
        session.add(
            OrderEvent(order_id=order.id, kind="manual_refund", detail=f"refunded {money}: {memo}"[:1000])
        )
        await session.flush()
    return ManualRefund(order, money if posting.created else ZERO, posting.entry.id)
