"""Embedded mode: the stub broker's worker and the scheduler inside the API process, on both databases."""

from __future__ import annotations

import asyncio

import pytest
from dramatiq.asyncio import get_event_loop_thread
from sqlalchemy import select, update

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.db.types import utcnow
from core.jobs import JobName, enqueue_after_commit
from core.ledger.models import EntryKind
from core.orders.domain import CancelState, OrderState
from core.orders.models import CancelRequest, Order
from core.orders.status_sync import sync_provider_statuses
from core.scheduling.models import Lease
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.builders import add_provider, balance_of, import_service, ledger_count, place, reload
from tests.workers.test_redis_pipeline import states, wait_for
from workers.embedded import background_workers, embedded_workers
from workers.resources import ResourcesError
from workers.runtime import WorkerRuntime


async def test_embedded_workers_dispatch_and_cancel_without_a_broker(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    config = settings.model_copy(update={"database_url": db.url})
    provider = await add_provider(db, registry, adapters, config, name="alpha", url=fake.url)
    service = await import_service(db, config, provider, "1")
    user, _ = await make_user(db, balance="10")

    async with embedded_workers(db, config, registry=registry, threads=2):
        order = await place(db, user.id, service.id, config)
        await wait_for(lambda: _state_is(db, order.id, OrderState.PENDING), "in-process dispatch")
        async with db.transaction() as session:
            leader = await session.scalar(select(Lease.holder).where(Lease.name == "scheduler"))
        assert leader is not None

        # A cancel the provider accepts; the refund arrives with the status sync that sees Canceled.
        async with db.transaction() as session:
            cancel = CancelRequest(order_id=order.id)
            session.add(cancel)
            await session.flush()
            enqueue_after_commit(session, JobName.FORWARD_CANCEL, cancel.id)
        await wait_for(
            lambda: _cancel_is(db, cancel.id, CancelState.ACCEPTED), "in-process cancel forwarding"
        )

    assert db.job_sender is None  # the API's database is handed back as it was
    assert fake.control.orders_for(order.link or "") == 1
    # Charged once; refunded in full only if the embedded scheduler's status sync has already seen the
    # provider's Canceled (it may or may not have run before the workers stopped).
    assert await ledger_count(db, order.id, EntryKind.CHARGE) == 1
    stored = await reload(db, order.id)
    if stored.state is OrderState.CANCELED:
        assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
        assert await balance_of(db, user.id) == 10
    else:
        assert await ledger_count(db, order.id, EntryKind.REFUND) == 0
        assert await balance_of(db, user.id) == 10 - order.charge
    # One more sync, due now: the order ends Canceled with exactly one full refund either way.
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == order.id).values(next_check_at=utcnow()))
    await sync_provider_statuses(db, adapters, provider.id, config)
    assert (await reload(db, order.id)).state is OrderState.CANCELED
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    assert await balance_of(db, user.id) == 10


async def test_panel_serve_can_run_without_embedded_workers(db: Database, settings: Settings) -> None:
    config = settings.model_copy(update={"database_url": db.url, "embedded_workers": False})
    async with background_workers(db, config) as runtime:
        assert runtime is None
        assert db.job_sender is None


async def _state_is(db: Database, order_id: int, state: OrderState) -> bool:
    return (await states(db, [order_id]))[order_id] is state


async def _cancel_is(db: Database, cancel_id: int, state: CancelState) -> bool:
    async with db.transaction() as session:
        row = await session.get(CancelRequest, cancel_id)
        return row is not None and row.state is state


async def test_a_worker_whose_resources_cannot_open_does_not_start(
    settings: Settings, registry: AdapterRegistry
) -> None:
    runtime = WorkerRuntime(
        settings.model_copy(update={"database_url": "nosuchdb://nowhere"}), registry=registry
    )
    try:
        with pytest.raises(ResourcesError, match="cannot open the worker's resources"):
            await asyncio.to_thread(runtime.start_worker, 1)
    finally:
        runtime.broker.close()
    assert get_event_loop_thread() is None
