"""Dispatch: hand a queued order to a provider, route after route, and never buy it twice.

The steps, each its own committed transaction because a provider call sits between them:

1. **Claim** — one conditional UPDATE queued → submitting; the new `dispatch_attempts` is the claim token.
2. Per route (priority order, or cheapest first): skip it when its provider's known balance cannot cover
   the cost or its currency has no exchange rate; otherwise **mark** the order (`submit_started_at`,
   route, expected cost) and commit *before* calling the provider. From here on a crash means "maybe
   sent": the sweep turns a marked order left in `submitting` into `unknown`, never back into `queued`.
3. Call `add`. Accepted → `pending` with the provider's id, the cost in the provider's currency and the
   exchange rate frozen now. Unavailable or rejected (nothing bought) → clear the mark, next route.
   Outcome unknown (sent, no usable answer) → `unknown`, which only an admin resolves.
4. Every route failed: if at least one was merely unavailable (nothing sent, provider short of funds,
   no exchange rate) the order goes back to `queued` with a growing delay, at most `MAX_DISPATCH_ATTEMPTS`
   claims in all; otherwise, or once the attempts are used up, it is canceled and fully refunded.

Pipeline use cases take the `Database` rather than a session: they must commit between provider calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.domain import is_package, rule_for
from core.catalog.models import RoutingPolicy, Service
from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.errors import DomainError
from core.money import THOUSAND, amount
from core.orders import refunds, worklist
from core.orders.domain import OrderState, billable_units
from core.orders.models import Order, OrderEvent
from core.orders.status_sync import first_check_delay
from core.settings import Settings
from providers.dto import OrderRequest
from providers.errors import OutcomeUnknown, ProviderRejected, ProviderUnavailable, RejectReason

log = structlog.get_logger(__name__)

MAX_DISPATCH_ATTEMPTS = 5
RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 600.0
# Rejections that say "not now" rather than "never": the same route may take the order later.
_RETRYABLE_REJECTIONS = frozenset({RejectReason.INSUFFICIENT_FUNDS})
_INT_FIELDS = frozenset({"quantity", "runs", "interval", "posts", "old_posts", "delay", "min", "max"})
_REQUEST_FIELDS = frozenset(OrderRequest.__struct_fields__) - {"external_service_id", "request_id"}


class DispatchOutcome(StrEnum):
    """What one dispatch run did with the order."""

    SKIPPED = "skipped"  # not queued (already dispatched, canceled, claimed elsewhere) or not due yet
    PLACED = "placed"
    UNKNOWN = "unknown"
    REQUEUED = "requeued"
    CANCELED = "canceled"


@dataclass(frozen=True)
class _Attempt:
    """A route with the cost and exchange rate the order would have there."""

    option: worklist.RouteOption
    cost: Decimal
    exchange_rate: Decimal | None


def retry_delay(attempts: int) -> timedelta:
    """How long a requeued order waits before its next claim: 30 s, 60 s, 120 s... capped at 10 min."""
    seconds = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def upstream_cost(provider_rate: Decimal, provider_type: str, units: int) -> Decimal:
    """What the provider charges for `units`, in its currency: rate × units / 1000, a package its rate."""
    if is_package(provider_type):
        return amount(provider_rate)
    return amount(provider_rate * units / THOUSAND)


def build_order_request(order: Order, external_service_id: str, provider_type: str) -> OrderRequest:
    """The `add` request for an order at one provider service: the parameters its type takes.

    `quantity` is sent only to types that take one (not packages, comment lists or subscriptions), and
    `request_id` carries the order id for providers that deduplicate on it.
    """
    rule = rule_for(provider_type)
    wanted = set(rule.required) | set(rule.optional)
    values: dict[str, Any] = {}
    params = order.params or {}
    for name in wanted & _REQUEST_FIELDS:
        if name == "link":
            value: Any = order.link
        elif name == "quantity":
            value = order.quantity
        elif name in ("runs", "interval"):
            value = getattr(order, name)
        else:
            value = params.get(name)
        if value is None or value == "":
            continue
        values[name] = int(value) if name in _INT_FIELDS else str(value)
    return OrderRequest(external_service_id=external_service_id, request_id=f"order-{order.id}", **values)


def _order_routes(
    options: list[worklist.RouteOption], policy: RoutingPolicy, fx: dict[str, Decimal]
) -> list[worklist.RouteOption]:
    if policy is not RoutingPolicy.CHEAPEST:
        return options

    def panel_cost(option: worklist.RouteOption) -> tuple[int, Decimal, int, int]:
        rate = fx.get(option.connection.currency)
        if rate is None:  # cannot compare it; try it last
            return (1, Decimal(0), option.priority, option.route_id)
        return (0, option.provider_service.rate * rate, option.priority, option.route_id)

    return sorted(options, key=panel_cost)


def _event(session: AsyncSession, order_id: int, kind: str, detail: str) -> None:
    session.add(OrderEvent(order_id=order_id, kind=kind, detail=detail[:1000]))


def _describe(option: worklist.RouteOption) -> str:
    return (
        f"route {option.route_id} (provider {option.connection.name}, "
        f"service {option.provider_service.external_id})"
    )


async def _owned(session: AsyncSession, order_id: int, token: int) -> Order | None:
    """The order, locked, if this dispatch still owns it (submitting under our claim token)."""
    order = await worklist.locked_order(session, order_id)
    if order is None or order.state is not OrderState.SUBMITTING or order.dispatch_attempts != token:
        return None
    return order


def _unusable(option: worklist.RouteOption, cost: Decimal, fx: dict[str, Decimal]) -> str | None:
    """Why a route cannot take this order now without calling it, or None."""
    connection: ProviderConnection = option.connection
    if connection.currency not in fx:
        return f"no exchange rate for {connection.currency}"
    balance = connection.balance
    same_currency = connection.balance_currency in (None, connection.currency)
    if balance is not None and same_currency and balance < cost:
        return f"provider balance {balance} {connection.currency} does not cover {cost}"
    return None


async def dispatch_order(
    db: Database, adapters: AdapterFactory, order_id: int, settings: Settings
) -> DispatchOutcome:
    """Dispatch one order (see the module docstring); safe to call any number of times for the same id."""
    now = utcnow()
    async with db.transaction() as session:
        token = await worklist.claim_for_dispatch(session, order_id, now)
        if token is None:
            return DispatchOutcome.SKIPPED
        order = await session.get(Order, order_id)
        service = await session.get(Service, order.service_id) if order is not None else None
        if order is None or service is None:  # cannot happen with foreign keys; never guess
            raise DomainError(f"order {order_id} vanished during dispatch")
        units = billable_units(quantity=order.quantity, runs=order.runs, is_package=is_package(service.type))
        fx = await worklist.exchange_rates(session, settings.currency)
        options = _order_routes(
            await worklist.live_route_options(session, service.id), service.routing_policy, fx
        )
        _event(session, order_id, "claimed", f"dispatch attempt {token}, {len(options)} live route(s)")
        if not options:
            _event(session, order_id, "no_route", "the service has no live route")

    retryable = not options  # no route now may mean a provider is disabled for a while
    for option in options:
        cost = upstream_cost(option.provider_service.rate, option.provider_service.type, units)
        problem = _unusable(option, cost, fx)
        if problem is None:
            try:
                adapter = adapters.for_connection(option.connection)
            except DomainError as exc:
                problem = str(exc)
        if problem is not None:
            retryable = True
            async with db.transaction() as session:
                _event(session, order_id, "route_skipped", f"{_describe(option)}: {problem}")
            continue
        attempt = _Attempt(option, cost, fx[option.connection.currency])
        request = build_order_request(
            order, option.provider_service.external_id, option.provider_service.type
        )
        if not await _mark(db, order_id, token, attempt):
            return DispatchOutcome.SKIPPED
        try:
            placed = await adapter.add_order(request)
        except ProviderUnavailable as exc:
            retryable = True
            await _attempt_failed(db, order_id, token, attempt, f"unavailable: {exc}")
            continue
        except ProviderRejected as exc:
            retryable = retryable or exc.reason in _RETRYABLE_REJECTIONS
            await _attempt_failed(
                db, order_id, token, attempt, f"rejected ({exc.reason.value}): {exc.message}"
            )
            continue
        except OutcomeUnknown as exc:
            await _to_unknown(db, order_id, token, f"{_describe(option)}: {exc}")
            return DispatchOutcome.UNKNOWN
        except Exception as exc:
            # An adapter bug after the request may have left: as unsafe to resend as a lost reply.
            log.exception("dispatch_adapter_error", order_id=order_id, route_id=option.route_id)
            await _to_unknown(db, order_id, token, f"{_describe(option)}: {type(exc).__name__}")
            return DispatchOutcome.UNKNOWN
        await _placed(db, order_id, token, attempt, placed.provider_order_id, settings)
        return DispatchOutcome.PLACED
    return await _exhausted(db, order_id, token, retryable)


async def _mark(db: Database, order_id: int, token: int, attempt: _Attempt) -> bool:
    """Commit "about to send to this route" before the call; False when the claim was lost."""
    option = attempt.option
    async with db.transaction() as session:
        order = await _owned(session, order_id, token)
        if order is None:
            return False
        order.submit_started_at = utcnow()
        order.route_id = option.route_id
        order.provider_id = option.connection.id
        order.provider_service_id = option.provider_service.id
        order.cost = attempt.cost
        order.cost_currency = option.connection.currency
        order.exchange_rate = attempt.exchange_rate
        _event(session, order_id, "attempt", f"sending to {_describe(option)}, cost {attempt.cost}")
    return True


async def _attempt_failed(db: Database, order_id: int, token: int, attempt: _Attempt, why: str) -> None:
    """Nothing was bought at this route: clear the mark so the order may go elsewhere."""
    async with db.transaction() as session:
        order = await _owned(session, order_id, token)
        if order is None:
            return
        order.submit_started_at = None
        order.cost = order.cost_currency = order.exchange_rate = None
        order.last_error = why[:500]
        _event(session, order_id, "attempt_failed", f"{_describe(attempt.option)}: {why}")


async def _to_unknown(db: Database, order_id: int, token: int, why: str) -> None:
    async with db.transaction() as session:
        order = await _owned(session, order_id, token)
        if order is None:
            return
        order.state = OrderState.UNKNOWN
        order.last_error = why[:500]
        _event(session, order_id, "outcome_unknown", why)
    log.warning("order_outcome_unknown", order_id=order_id)


async def _placed(
    db: Database, order_id: int, token: int, attempt: _Attempt, provider_order_id: str, settings: Settings
) -> None:
    now = utcnow()
    async with db.transaction() as session:
        order = await worklist.locked_order(session, order_id)
        # The sweep may have moved a stalled call to `unknown` meanwhile; the answer still settles it.
        if (
            order is None
            or order.dispatch_attempts != token
            or order.state not in (OrderState.SUBMITTING, OrderState.UNKNOWN)
        ):
            log.error("order_placed_after_takeover", order_id=order_id, provider_order_id=provider_order_id)
            if order is not None:
                _event(
                    session,
                    order_id,
                    "placed_late",
                    f"{_describe(attempt.option)} accepted it as {provider_order_id} after the order "
                    f"moved to {order.state.value}; reconcile by hand",
                )
            return
        order.state = OrderState.PENDING
        order.provider_order_id = provider_order_id
        order.last_error = None
        order.next_check_at = now + first_check_delay(settings)
        _event(session, order_id, "placed", f"{_describe(attempt.option)} order {provider_order_id}")
        await _spend_provider_balance(session, attempt.option.connection.id, attempt.cost)


async def _spend_provider_balance(session: AsyncSession, provider_id: int, cost: Decimal) -> None:
    """Lower the provider's known balance by what the order cost, until the next balance check."""
    connection = await session.get(ProviderConnection, provider_id, with_for_update=True)
    if connection is None or connection.balance is None:
        return
    if connection.balance_currency not in (None, connection.currency):
        return
    connection.balance = connection.balance - cost


async def _exhausted(db: Database, order_id: int, token: int, retryable: bool) -> DispatchOutcome:
    now = utcnow()
    async with db.transaction() as session:
        order = await _owned(session, order_id, token)
        if order is None:
            return DispatchOutcome.SKIPPED
        order.submit_started_at = None
        if retryable and token < MAX_DISPATCH_ATTEMPTS:
            delay = retry_delay(token)
            order.state = OrderState.QUEUED
            order.next_check_at = now + delay
            _event(
                session,
                order_id,
                "requeued",
                f"no route took it now; next try in {int(delay.total_seconds())} s",
            )
            return DispatchOutcome.REQUEUED
        order.state = OrderState.CANCELED
        order.finished_at = now
        order.next_check_at = None
        _event(session, order_id, "canceled", f"every route failed after {token} attempt(s)")
        await session.flush()
        await refunds.settle(session, order, memo=f"order {order_id}: no provider took it")
    return DispatchOutcome.CANCELED
