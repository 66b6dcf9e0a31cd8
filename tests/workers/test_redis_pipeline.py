"""The whole pipeline on real PostgreSQL, a real Redis broker and fake providers on loopback.

Orders come in through /api/v2, jobs go through a private redis-server, a Dramatiq worker runs in this
process, and the fake provider answers over HTTP.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, update

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.db.types import utcnow
from core.invariants import check_invariants
from core.ledger.models import LedgerEntry
from core.orders.domain import ACCEPTED_STATES, TERMINAL_STATES, OrderState
from core.orders.models import Order
from core.orders.status_sync import sync_provider_statuses
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.api_server import SmmClient, serving_api
from tests.workers.builders import add_provider, balance_of, import_service, place, unique_link
from tests.workers.redis_server import RedisServer
from workers.runtime import WorkerRuntime
from workers.scheduler import Scheduler

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

D = Decimal
WAIT_SECONDS = 30.0


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Poll `check` until it holds; fail the test with `what` if it never does."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def states(db: Database, ids: list[int]) -> dict[int, OrderState]:
    """Current state of each order."""
    async with db.transaction() as session:
        rows = await session.execute(select(Order.id, Order.state).where(Order.id.in_(ids)))
        return dict(rows.all())


async def ledger_rows(db: Database) -> int:
    """Ledger entries in total."""
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


@pytest.fixture
def redis_settings(settings: Settings, pg_db: Database, redis_server: RedisServer) -> Settings:
    """Settings for a worker on the private Redis and the private PostgreSQL database."""
    return settings.model_copy(
        update={
            "database_url": pg_db.url,
            "broker_url": redis_server.url,
            "broker_namespace": f"t{uuid.uuid4().hex[:10]}",
            "sweep_seconds": 1.0,
        }
    )


@pytest.fixture
async def runtime(
    redis_settings: Settings, registry: AdapterRegistry, pg_db: Database
) -> AsyncIterator[WorkerRuntime]:
    """A Dramatiq worker on Redis in this process; the test database sends its jobs there."""
    worker = WorkerRuntime(redis_settings, registry=registry)
    await asyncio.to_thread(worker.start_worker, 4)
    pg_db.job_sender = worker.sender
    try:
        yield worker
    finally:
        pg_db.job_sender = None
        await asyncio.to_thread(worker.close)


async def test_orders_placed_through_the_api_are_fulfilled_and_refunded_exactly(
    pg_db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    redis_settings: Settings,
    fake: FakeProviderHandle,
    runtime: WorkerRuntime,
) -> None:
    provider = await add_provider(pg_db, registry, adapters, redis_settings, name="alpha", url=fake.url)
    service = await import_service(pg_db, redis_settings, provider, "1", markup="50")
    user, key = await make_user(pg_db, balance="50")
    async with serving_api(pg_db, redis_settings) as url, httpx.AsyncClient(timeout=10) as http:
        client = SmmClient(http, url, key)
        ids = [
            (await client.call("add", service=service.id, link=unique_link(), quantity=quantity))["order"]
            for quantity in (1000, 300, 500)
        ]
        await wait_for(
            lambda: _all_in(pg_db, ids, ACCEPTED_STATES),
            "dispatch through Redis of every order placed via the API",
        )
        completed, partial, canceled = ids
        async with pg_db.transaction() as session:
            upstream = dict(
                (
                    await session.execute(select(Order.id, Order.provider_order_id).where(Order.id.in_(ids)))
                ).all()
            )
        fake.control.force_order(upstream[completed], status="Completed", remains=0)
        fake.control.force_order(upstream[partial], status="Partial", remains=157)
        fake.control.force_order(upstream[canceled], status="Canceled")
        await _make_due(pg_db)

        runtime.actors.sync_statuses.send(provider.id)
        await wait_for(lambda: _all_in(pg_db, ids, TERMINAL_STATES), "status sync through Redis")

        assert await states(pg_db, ids) == {
            completed: OrderState.COMPLETED,
            partial: OrderState.PARTIAL,
            canceled: OrderState.CANCELED,
        }
        shown = await client.call("status", orders=",".join(map(str, ids)))
        assert [item["status"] for item in shown] == ["Completed", "Partial", "Canceled"]

    orders = {order_id: await _order(pg_db, order_id) for order_id in ids}
    assert orders[completed].refunded == 0
    assert orders[partial].refunded == (orders[partial].charge * 157 / 300).quantize(
        D("0.00001"), rounding="ROUND_DOWN"
    )
    assert orders[canceled].refunded == orders[canceled].charge
    charged = sum(o.charge for o in orders.values())
    refunded = sum(o.refunded for o in orders.values())
    assert await balance_of(pg_db, user.id) == D("50") - charged + refunded

    rows = await ledger_rows(pg_db)
    for _ in range(2):  # running the status sync twice more changes nothing
        await _make_due(pg_db)
        report = await sync_provider_statuses(pg_db, adapters, provider.id, redis_settings)
        assert report.checked == 0
    runtime.actors.sync_statuses.send(provider.id)
    await asyncio.sleep(1.5)
    assert await ledger_rows(pg_db) == rows
    assert await balance_of(pg_db, user.id) == D("50") - charged + refunded
    async with pg_db.transaction() as session:
        assert await check_invariants(session) == []


async def test_a_broker_outage_only_delays_dispatch(
    pg_db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    redis_settings: Settings,
    redis_server: RedisServer,
    fake: FakeProviderHandle,
    runtime: WorkerRuntime,
) -> None:
    provider = await add_provider(pg_db, registry, adapters, redis_settings, name="alpha", url=fake.url)
    service = await import_service(pg_db, redis_settings, provider, "1")
    user, _ = await make_user(pg_db, balance="50")

    redis_server.stop()  # the broker goes away: the jobs of these orders cannot be sent
    orders = [await place(pg_db, user.id, service.id, redis_settings) for _ in range(6)]
    ids = [order.id for order in orders]
    await asyncio.sleep(1.0)
    assert set((await states(pg_db, ids)).values()) == {OrderState.QUEUED}

    stop = asyncio.Event()
    scheduler = Scheduler(pg_db, runtime.actors, redis_settings, tick_seconds=0.5)
    task = asyncio.create_task(scheduler.run(stop))
    try:
        await asyncio.sleep(2.0)  # the scheduler cannot send while the broker is down, and keeps trying
        redis_server.start()  # back, empty: every message it held is lost
        await wait_for(
            lambda: _all_in(pg_db, ids, ACCEPTED_STATES), "the sweep to re-send every queued order"
        )
    finally:
        stop.set()
        await task
    for order in orders:
        assert fake.control.orders_for(order.link or "") == 1
        assert fake.control.add_calls(order.link or "") == 1


async def _all_in(db: Database, ids: list[int], wanted: frozenset[OrderState]) -> bool:
    return all(state in wanted for state in (await states(db, ids)).values())


async def _make_due(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(update(Order).values(next_check_at=utcnow()))


async def _order(db: Database, order_id: int) -> Order:
    async with db.transaction() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order
