"""Status sync against a fake provider: monotonic statuses, exact refunds once, batching, odd replies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.invariants import check_invariants
from core.ledger.models import EntryKind, LedgerEntry
from core.orders import worklist
from core.orders.dispatch import dispatch_order
from core.orders.domain import OrderState
from core.orders.models import Order
from core.orders.status_sync import apply_status, next_check_delay, sync_provider_statuses
from core.settings import Settings
from providers.dto import OrderStatusInfo
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from providers.status import UpstreamStatus
from tests.factories import make_user
from tests.workers.builders import add_provider, balance_of, import_service, ledger_count, place, reload

D = Decimal


async def _placed_orders(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    count: int = 1,
    quantity: int = 100,
) -> tuple[ProviderConnection, int, list[Order]]:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="1000")
    orders = []
    for _ in range(count):
        order = await place(db, user.id, service.id, settings, quantity=quantity)
        await dispatch_order(db, adapters, order.id, settings)
        orders.append(await reload(db, order.id))
    await _make_due(db)
    return provider, user.id, orders


async def _make_due(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(update(Order).values(next_check_at=utcnow() - timedelta(seconds=1)))


async def _ledger_rows(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


async def test_completed_order_costs_the_customer_its_charge(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, user_id, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    fake.control.advance(3600)

    report = await sync_provider_statuses(db, adapters, provider.id, settings)

    stored = await reload(db, order.id)
    assert report.checked == 1
    assert report.finished == 1
    assert stored.state is OrderState.COMPLETED
    assert stored.refunded == D(0)
    assert stored.remains == 0
    assert stored.start_count is not None
    assert stored.provider_charge == D("0.09000")
    assert stored.raw_status == "Completed"
    assert stored.finished_at is not None
    assert stored.next_check_at is None
    assert await balance_of(db, user_id) == D("1000") - stored.charge


async def test_partial_refunds_charge_times_remains_over_quantity_exactly_once(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, user_id, [order] = await _placed_orders(db, registry, adapters, settings, fake, quantity=300)
    fake.control.force_order(order.provider_order_id or "", status="Partial", remains=157)

    await sync_provider_statuses(db, adapters, provider.id, settings)
    rows = await _ledger_rows(db)
    for _ in range(2):
        await _make_due(db)
        again = await sync_provider_statuses(db, adapters, provider.id, settings)
        assert again.checked == 0
        assert again.changed == 0

    stored = await reload(db, order.id)
    expected = (stored.charge * 157 / 300).quantize(D("0.00001"), rounding="ROUND_DOWN")
    assert stored.state is OrderState.PARTIAL
    assert stored.refunded == expected
    assert expected > 0
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    assert await _ledger_rows(db) == rows
    assert await balance_of(db, user_id) == D("1000") - stored.charge + expected
    async with db.transaction() as session:
        assert await check_invariants(session) == []


@pytest.mark.parametrize("spelling", ["Canceled", "Cancelled", "Refunded", "Fail"])
async def test_canceled_upstream_refunds_in_full(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    spelling: str,
) -> None:
    provider, user_id, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    fake.control.force_order(order.provider_order_id or "", status=spelling)

    await sync_provider_statuses(db, adapters, provider.id, settings)
    await _make_due(db)
    await sync_provider_statuses(db, adapters, provider.id, settings)

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    assert await balance_of(db, user_id) == D("1000")


async def test_statuses_never_move_backwards(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    fake.control.force_order(order.provider_order_id or "", status="In progress", remains=40)
    await sync_provider_statuses(db, adapters, provider.id, settings)
    fake.control.force_order(order.provider_order_id or "", status="Pending", remains=100)
    await _make_due(db)
    await sync_provider_statuses(db, adapters, provider.id, settings)

    stored = await reload(db, order.id)
    assert stored.state is OrderState.IN_PROGRESS
    assert stored.raw_status == "Pending"
    assert stored.remains == 100


async def test_an_unrecognised_status_is_kept_raw_and_flagged(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    fake.control.force_order(order.provider_order_id or "", status="Awaiting moderation")

    report = await sync_provider_statuses(db, adapters, provider.id, settings)

    stored = await reload(db, order.id)
    assert report.flagged == 1
    assert stored.state is OrderState.PENDING
    assert stored.status_flagged
    assert stored.raw_status == "Awaiting moderation"


async def test_partial_without_remains_waits_instead_of_refunding_nothing(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    _, _, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    # The seed dialect's multi-status has no remains, and a provider may leave them out of a single one.
    async with db.transaction() as session:
        [snapshot] = await worklist.lock_for_check(session, [order.id])
    info = OrderStatusInfo(
        UpstreamStatus.PARTIAL, "Partial", charge=None, start_count=None, remains=None, currency=None
    )

    change = apply_status(snapshot, info, utcnow())

    assert not change.changed
    assert snapshot.state is OrderState.PENDING
    assert snapshot.status_flagged
    assert [kind for kind, _ in change.events] == ["status_flagged"]
    assert (await reload(db, order.id)).refunded == 0


async def test_ids_missing_from_the_reply_change_nothing(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, orders = await _placed_orders(db, registry, adapters, settings, fake, count=2)
    before = await reload(db, orders[0].id)
    fake.control.advance(3600)
    fake.control.set_faults(drop_ids=[orders[0].provider_order_id])

    report = await sync_provider_statuses(db, adapters, provider.id, settings)

    after = await reload(db, orders[0].id)
    assert report.missing == 1
    assert report.checked == 1
    assert (after.state, after.next_check_at, after.last_checked_at, after.raw_status) == (
        before.state,
        before.next_check_at,
        before.last_checked_at,
        before.raw_status,
    )
    assert (await reload(db, orders[1].id)).state is OrderState.COMPLETED


async def test_one_status_call_per_hundred_orders_and_checks_spaced_by_age(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, orders = await _placed_orders(db, registry, adapters, settings, fake, count=205)
    calls_before = fake.control.stats()["requests_by_action"].get("status", 0)

    report = await sync_provider_statuses(db, adapters, provider.id, settings, concurrency=3)
    second = await sync_provider_statuses(db, adapters, provider.id, settings)

    calls = fake.control.stats()["requests_by_action"]["status"] - calls_before
    assert report.checked == 205
    assert report.calls == 3
    assert calls == 3
    assert second.checked == 0
    assert second.calls == 0
    stored = await reload(db, orders[0].id)
    assert stored.next_check_at is not None
    assert stored.last_checked_at is not None
    assert stored.next_check_at - stored.last_checked_at == timedelta(seconds=60)


async def test_a_provider_that_cannot_answer_changes_nothing(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    before = await reload(db, order.id)
    fake.control.set_faults(http_500=True)

    report = await sync_provider_statuses(db, adapters, provider.id, settings)

    after = await reload(db, order.id)
    assert report.failed_batches == 1
    assert report.checked == 0
    assert (after.state, after.next_check_at) == (before.state, before.next_check_at)


def test_check_spacing_grows_with_order_age() -> None:
    base = 60.0
    ages = [
        timedelta(minutes=5),
        timedelta(hours=2),
        timedelta(hours=12),
        timedelta(days=3),
        timedelta(days=30),
    ]
    assert [next_check_delay(age, base).total_seconds() for age in ages] == [60, 120, 300, 900, 3600]


async def test_orders_at_a_disabled_provider_are_still_followed(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider, _, [order] = await _placed_orders(db, registry, adapters, settings, fake)
    async with db.transaction() as session:
        await session.execute(
            update(ProviderConnection).where(ProviderConnection.id == provider.id).values(enabled=False)
        )
    fake.control.force_order(order.provider_order_id or "", status="Canceled")

    await sync_provider_statuses(db, adapters, provider.id, settings)

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
