"""Refills and cancels forwarded to a fake provider, in batches; refunds only when the provider says so."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.db.types import utcnow
from core.ledger.models import EntryKind
from core.orders.dispatch import DispatchOutcome, dispatch_order
from core.orders.domain import CancelState, OrderState, RefillState
from core.orders.forwarding import forward_cancel, forward_refill, sync_refill_statuses
from core.orders.models import CancelRequest, Order, Refill
from core.orders.status_sync import sync_provider_statuses
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.builders import add_provider, balance_of, import_service, ledger_count, place, reload

D = Decimal


async def _orders(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    *,
    external_id: str = "1",
    count: int = 1,
    dispatched: bool = True,
) -> tuple[int, int, list[Order]]:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, external_id)
    user, _ = await make_user(db, balance="100")
    orders = []
    for _ in range(count):
        order = await place(db, user.id, service.id, settings)
        if dispatched:
            assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED
        orders.append(await reload(db, order.id))
    return provider.id, user.id, orders


async def _finish(
    db: Database, adapters: AdapterFactory, settings: Settings, fake: FakeProviderHandle, provider_id: int
) -> None:
    fake.control.advance(3600)
    async with db.transaction() as session:
        await session.execute(update(Order).values(next_check_at=utcnow() - timedelta(seconds=1)))
    await sync_provider_statuses(db, adapters, provider_id, settings)


async def _request(db: Database, model: type[Refill] | type[CancelRequest], order_id: int) -> int:
    async with db.transaction() as session:
        row = model(order_id=order_id)
        session.add(row)
        await session.flush()
        return row.id


async def _get(
    db: Database, model: type[Refill] | type[CancelRequest], row_id: int
) -> Refill | CancelRequest:
    async with db.transaction() as session:
        row = await session.get(model, row_id)
        assert row is not None
        return row


async def test_refills_are_forwarded_in_one_batch_and_followed(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider_id, _, orders = await _orders(db, registry, adapters, settings, fake, count=3)
    await _finish(db, adapters, settings, fake, provider_id)
    refill_ids = [await _request(db, Refill, order.id) for order in orders]
    before = fake.control.stats()["requests_by_action"].get("refill", 0)

    report = await forward_refill(db, adapters, refill_ids[0])
    assert await forward_refill(db, adapters, refill_ids[1]) == type(report)()  # already forwarded

    assert report.sent == 3
    assert report.accepted == 3
    assert fake.control.stats()["requests_by_action"]["refill"] - before == 1
    refills = [await _get(db, Refill, refill_id) for refill_id in refill_ids]
    assert all(r.state is RefillState.PENDING and r.provider_refill_id for r in refills)  # type: ignore[union-attr]

    fake.control.advance(7 * 24 * 3600)
    assert await sync_refill_statuses(db, adapters, provider_id) == 3
    refill = await _get(db, Refill, refill_ids[0])
    assert refill.state in (RefillState.COMPLETED, RefillState.REJECTED)
    assert refill.raw_status  # type: ignore[union-attr]


async def test_a_refill_the_provider_refuses_is_rejected_with_its_reason(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider_id, _, [order] = await _orders(db, registry, adapters, settings, fake, external_id="2")
    await _finish(db, adapters, settings, fake, provider_id)
    refill_id = await _request(db, Refill, order.id)

    report = await forward_refill(db, adapters, refill_id)

    refill = await _get(db, Refill, refill_id)
    assert report.refused == 1
    assert refill.state is RefillState.REJECTED
    assert refill.error == "Refill is disabled for this service"


async def test_refills_wait_while_the_provider_is_unreachable(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider_id, _, [order] = await _orders(db, registry, adapters, settings, fake)
    await _finish(db, adapters, settings, fake, provider_id)
    refill_id = await _request(db, Refill, order.id)
    fake.control.set_faults(http_500=True)

    report = await forward_refill(db, adapters, refill_id)

    assert report.retry_later == 1
    assert (await _get(db, Refill, refill_id)).state is RefillState.REQUESTED


async def test_a_cancel_refunds_only_when_the_provider_reports_canceled(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider_id, user_id, [order] = await _orders(db, registry, adapters, settings, fake)
    cancel_id = await _request(db, CancelRequest, order.id)

    report = await forward_cancel(db, adapters, cancel_id)

    assert report.accepted == 1
    assert (await _get(db, CancelRequest, cancel_id)).state is CancelState.ACCEPTED
    stored = await reload(db, order.id)
    assert stored.state is OrderState.PENDING  # accepted ≠ canceled: no refund yet
    assert stored.refunded == 0
    assert stored.next_check_at is not None
    assert stored.next_check_at <= utcnow()  # checked at the next sync

    await sync_provider_statuses(db, adapters, provider_id, settings)

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    assert await balance_of(db, user_id) == D("100")


async def test_a_cancel_before_dispatch_cancels_locally_with_a_full_refund(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    _, user_id, [order] = await _orders(db, registry, adapters, settings, fake, dispatched=False)
    cancel_id = await _request(db, CancelRequest, order.id)

    assert (await forward_cancel(db, adapters, cancel_id)).accepted == 1
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.SKIPPED

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
    assert await balance_of(db, user_id) == D("100")
    assert fake.control.add_calls(order.link or "") == 0
    assert fake.control.stats()["requests_by_action"].get("cancel", 0) == 0


async def test_a_cancel_of_a_finished_order_is_refused(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider_id, _, [order] = await _orders(db, registry, adapters, settings, fake)
    await _finish(db, adapters, settings, fake, provider_id)
    cancel_id = await _request(db, CancelRequest, order.id)

    assert (await forward_cancel(db, adapters, cancel_id)).refused == 1

    cancel = await _get(db, CancelRequest, cancel_id)
    assert cancel.state is CancelState.REJECTED
    assert cancel.error == "the order is already completed"


async def test_a_cancel_waits_while_dispatch_is_undecided(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    _, _, [order] = await _orders(db, registry, adapters, settings, fake, dispatched=False)
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == order.id).values(state=OrderState.UNKNOWN))
    cancel_id = await _request(db, CancelRequest, order.id)

    assert (await forward_cancel(db, adapters, cancel_id)).retry_later == 1
    assert (await _get(db, CancelRequest, cancel_id)).state is CancelState.REQUESTED
