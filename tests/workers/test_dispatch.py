"""Dispatch against fake providers on loopback: routing, failover, unknown outcomes, giving up."""

from __future__ import annotations

import socket
from decimal import Decimal

from sqlalchemy import select, update

from core.catalog.models import RoutingPolicy, Service
from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.invariants import check_invariants
from core.ledger.models import EntryKind
from core.orders import dispatch as dispatching
from core.orders.dispatch import MAX_DISPATCH_ATTEMPTS, DispatchOutcome, dispatch_order
from core.orders.domain import OrderState
from core.orders.models import Order, OrderEvent
from core.orders.sweep import sweep
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.builders import (
    add_provider,
    add_route,
    balance_of,
    import_service,
    ledger_count,
    place,
    reload,
)

D = Decimal


async def _invariants_hold(db: Database) -> None:
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def _events(db: Database, order_id: int) -> list[str]:
    async with db.transaction() as session:
        return list(
            await session.scalars(
                select(OrderEvent.kind).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
            )
        )


def _closed_port_url() -> str:
    """A loopback URL where nothing listens: connecting fails before anything is sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v2"


async def test_dispatch_places_the_order_once_and_records_its_cost(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1", markup="50")
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings, quantity=200)

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED

    stored = await reload(db, order.id)
    assert stored.state is OrderState.PENDING
    assert stored.provider_order_id is not None
    assert int(stored.provider_order_id) in fake.control.order_ids()
    assert stored.cost == D("0.18000")  # 0.90 per 1000 × 200 at the provider, in its currency
    assert stored.cost_currency == "USD"
    assert stored.exchange_rate == D(1)
    assert stored.next_check_at is not None
    assert fake.control.add_calls(stored.link or "") == 1
    assert await _events(db, order.id) == ["placed", "claimed", "attempt", "placed"]
    await _invariants_hold(db)


async def test_foreign_currency_cost_and_exchange_rate_are_frozen(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    from core.pricing.service import set_exchange_rate

    async with db.transaction() as session:
        await set_exchange_rate(session, "EUR", "1.1", panel_currency="USD")
    provider = await add_provider(db, registry, adapters, settings, name="euro", url=fake.url, currency="EUR")
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings, quantity=1000)
    async with db.transaction() as session:
        await set_exchange_rate(session, "EUR", "1.3", panel_currency="USD")

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED

    stored = await reload(db, order.id)
    assert (stored.cost, stored.cost_currency, stored.exchange_rate) == (D("0.90000"), "EUR", D("1.3"))


async def test_failover_when_the_first_provider_has_no_funds(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    fake_b: FakeProviderHandle,
) -> None:
    alpha = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    beta = await add_provider(db, registry, adapters, settings, name="beta", url=fake_b.url)
    service = await import_service(db, settings, alpha, "1")
    await add_route(db, settings, service, beta, "1", priority=5)
    fake.control.set_balance("0")  # "Not enough funds on balance"
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)
    paid = await balance_of(db, user.id)

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED

    stored = await reload(db, order.id)
    assert stored.state is OrderState.PENDING
    assert stored.provider_id == beta.id
    assert fake.control.add_calls(stored.link or "") == 1
    assert fake.control.orders_for(stored.link or "") == 0
    assert fake_b.control.orders_for(stored.link or "") == 1
    assert await ledger_count(db, order.id, EntryKind.CHARGE) == 1
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 0
    assert await balance_of(db, user.id) == paid
    assert await _events(db, order.id) == [
        "placed",
        "claimed",
        "attempt",
        "attempt_failed",
        "attempt",
        "placed",
    ]
    await _invariants_hold(db)


async def test_cheapest_policy_tries_the_cheaper_route_first(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    fake_b: FakeProviderHandle,
) -> None:
    fake_b.control.set_rate("1", "0.50")
    alpha = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    beta = await add_provider(db, registry, adapters, settings, name="beta", url=fake_b.url)
    service = await import_service(db, settings, alpha, "1")
    await add_route(db, settings, service, beta, "1", priority=5)
    async with db.transaction() as session:
        await session.execute(
            update(Service).where(Service.id == service.id).values(routing_policy=RoutingPolicy.CHEAPEST)
        )
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED

    stored = await reload(db, order.id)
    assert stored.provider_id == beta.id
    assert stored.cost == D("0.05000")
    assert fake.control.add_calls(stored.link or "") == 0


async def test_a_route_whose_known_balance_cannot_pay_is_skipped_without_a_call(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    fake_b: FakeProviderHandle,
) -> None:
    alpha = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    beta = await add_provider(db, registry, adapters, settings, name="beta", url=fake_b.url)
    service = await import_service(db, settings, alpha, "1")
    await add_route(db, settings, service, beta, "1", priority=5)
    async with db.transaction() as session:
        await session.execute(
            update(ProviderConnection)
            .where(ProviderConnection.id == alpha.id)
            .values(balance=D("0.01"), balance_currency="USD")
        )
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED

    stored = await reload(db, order.id)
    assert stored.provider_id == beta.id
    assert fake.control.add_calls(stored.link or "") == 0
    assert "route_skipped" in await _events(db, order.id)


async def test_outcome_unknown_is_never_resent(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)
    fake.control.set_faults(hang_add=True)  # accepts the order, never answers

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.UNKNOWN
    fake.control.clear_faults()
    for _ in range(2):
        await sweep(db, settings)
        assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED

    stored = await reload(db, order.id)
    assert stored.state is OrderState.UNKNOWN
    assert stored.provider_id == provider.id
    assert stored.submit_started_at is not None
    assert fake.control.add_calls(stored.link or "") == 1
    assert fake.control.orders_for(stored.link or "") == 1
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 0


async def test_every_route_rejecting_cancels_and_refunds_once(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)
    fake.control.remove_service("1")  # "Incorrect service ID": definitive

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.CANCELED
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
    assert await balance_of(db, user.id) == D("10.00000")
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    await _invariants_hold(db)


async def test_unreachable_routes_requeue_with_a_delay_then_give_up(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    async with db.transaction() as session:
        await session.execute(
            update(ProviderConnection)
            .where(ProviderConnection.id == provider.id)
            .values(base_url=_closed_port_url())
        )
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.REQUEUED
    stored = await reload(db, order.id)
    assert stored.state is OrderState.QUEUED
    assert stored.next_check_at is not None
    # Not due yet: a duplicate message does not hammer the provider.
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED

    outcomes = []
    for _ in range(MAX_DISPATCH_ATTEMPTS - 1):
        async with db.transaction() as session:
            await session.execute(update(Order).where(Order.id == order.id).values(next_check_at=None))
        outcomes.append(await dispatch_order(db, adapters, order.id, settings))
    assert outcomes[:-1] == [DispatchOutcome.REQUEUED] * (MAX_DISPATCH_ATTEMPTS - 2)
    assert outcomes[-1] is DispatchOutcome.CANCELED
    stored = await reload(db, order.id)
    assert stored.dispatch_attempts == MAX_DISPATCH_ATTEMPTS
    assert stored.refunded == stored.charge
    await _invariants_hold(db)


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [dispatching.retry_delay(n).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]


async def test_an_order_claimed_elsewhere_is_left_alone(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="10")
    order = await place(db, user.id, service.id, settings)
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == order.id).values(state=OrderState.SUBMITTING))

    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED
    assert fake.control.add_calls(order.link or "") == 0
