"""`panel worker` as a real process: killed with SIGKILL in the middle of dispatch, then restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.ledger.models import EntryKind, LedgerEntry
from core.orders.domain import OrderState
from core.orders.models import Order
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.builders import add_provider, import_service, place
from tests.workers.redis_server import RedisServer
from tests.workers.test_redis_pipeline import wait_for
from workers.runtime import WorkerRuntime

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

PANEL = str(Path(sys.executable).with_name("panel"))
ORDERS = 24


def _environment(settings: Settings) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    environment.update(
        {
            "PANEL_DATABASE_URL": settings.database_url,
            "PANEL_BROKER_URL": settings.broker_url or "",
            "PANEL_BROKER_NAMESPACE": settings.broker_namespace,
            "PANEL_PROVIDER_TIMEOUT_SECONDS": str(settings.provider_timeout_seconds),
            "PANEL_STALL_MARGIN_SECONDS": "1",
            "PANEL_SWEEP_SECONDS": "1",
            "PANEL_STATUS_SYNC_SECONDS": "3600",
            "PANEL_CATALOG_SYNC_SECONDS": "3600",
            "PANEL_BALANCE_CHECK_SECONDS": "3600",
            "PANEL_WORKER_THREADS": "4",
            "PANEL_LOG_LEVEL": "INFO",
        }
    )
    return environment


@contextmanager
def worker_process(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`panel worker` in a subprocess; stopped with SIGTERM at the end unless the test killed it."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [PANEL, "worker"], stdout=output, stderr=subprocess.STDOUT, env=_environment(settings)
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _count(db: Database, *conditions: object) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Order).where(*conditions)) or 0)  # type: ignore[arg-type]


async def test_sigkill_mid_dispatch_loses_no_order_and_buys_none_twice(
    pg_db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    config = settings.model_copy(
        update={
            "database_url": pg_db.url,
            "broker_url": redis_server.url,
            "broker_namespace": f"t{uuid.uuid4().hex[:10]}",
            "provider_timeout_seconds": 3.0,
        }
    )
    provider = await add_provider(pg_db, registry, adapters, config, name="alpha", url=fake.url)
    service = await import_service(pg_db, config, provider, "1")
    user, _ = await make_user(pg_db, balance="100")
    fake.control.set_faults(latency_ms=400)  # every add takes a while: the kill lands mid-call
    sender = WorkerRuntime(config, registry=registry)
    pg_db.job_sender = sender.sender
    try:
        for _ in range(ORDERS):
            await place(pg_db, user.id, service.id, config)
    finally:
        pg_db.job_sender = None
        sender.close()
    log = tmp_path / "worker.log"

    with worker_process(config, log) as first:
        await wait_for(
            lambda: _in_flight_after_some_placed(pg_db),
            "the worker to be mid-dispatch after placing a few",
            timeout=60,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    in_flight_at_kill = await _count(pg_db, Order.state == OrderState.SUBMITTING)
    assert in_flight_at_kill >= 1
    assert await _count(pg_db, Order.state.in_([OrderState.QUEUED, OrderState.SUBMITTING])) > 0

    with worker_process(config, log) as second:
        await wait_for(
            lambda: _settled(pg_db),
            "every order to be dispatched or marked unknown after the restart",
            timeout=90,
        )
        assert second.poll() is None

    async with pg_db.transaction() as session:
        stored = list(await session.scalars(select(Order).order_by(Order.id)))
        charges = int(
            await session.scalar(select(func.count()).where(LedgerEntry.kind == EntryKind.CHARGE)) or 0
        )
    assert len(stored) == ORDERS
    assert charges == ORDERS
    for order in stored:
        link = order.link or ""
        assert fake.control.add_calls(link) <= 1, f"order {order.id} was sent twice"
        assert fake.control.orders_for(link) <= 1, f"order {order.id} was bought twice"
        if order.state is OrderState.PENDING:
            assert fake.control.orders_for(link) == 1
            assert order.provider_order_id is not None
        else:  # killed after sending: waits for an admin, never resent
            assert order.state is OrderState.UNKNOWN, (order.id, order.state)
    assert sum(o.state is OrderState.PENDING for o in stored) >= ORDERS - in_flight_at_kill


async def _in_flight_after_some_placed(db: Database) -> bool:
    placed = await _count(db, Order.state == OrderState.PENDING)
    marked = await _count(db, Order.state == OrderState.SUBMITTING, Order.submit_started_at.is_not(None))
    return placed >= 3 and marked >= 1


async def _settled(db: Database) -> bool:
    return await _count(db, Order.state.in_([OrderState.QUEUED, OrderState.SUBMITTING])) == 0
