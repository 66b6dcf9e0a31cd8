"""The real `panel serve` with its in-process workers, and the RabbitMQ broker."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pika
import pytest

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.orders.domain import ACCEPTED_STATES, OrderState
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.api_server import SmmClient
from tests.workers.builders import add_provider, import_service, place, unique_link
from tests.workers.conftest import IN_CI
from tests.workers.test_redis_pipeline import states, wait_for
from workers.runtime import WorkerRuntime

PANEL = str(Path(sys.executable).with_name("panel"))
_SERVING = re.compile(r"^serving (http://\S+/api/v2) ", re.MULTILINE)
RABBITMQ_URL = os.environ.get("PANEL_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@asynccontextmanager
async def panel_serve(tmp_path: Path, database_url: str, **settings: str) -> AsyncIterator[str]:
    """`panel serve --port 0` in a subprocess; yields its /api/v2 URL."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    environment.update(
        {"PANEL_DATABASE_URL": database_url, **{f"PANEL_{k.upper()}": v for k, v in settings.items()}}
    )
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [PANEL, "serve", "--host", "127.0.0.1", "--port", "0"],
            stdout=stdout,
            stderr=stderr,
            env=environment,
        )
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while (found := _SERVING.search(out.read_text())) is None:
            if process.poll() is not None or asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"panel serve did not start:\n{out.read_text()}\n{err.read_text()}")
            await asyncio.sleep(0.05)
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("panel serve did not stop on SIGTERM") from None
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly, hence -15.
    assert process.returncode in (0, -signal.SIGTERM), err.read_text()
    assert "Finished server process" in err.read_text()


async def test_panel_serve_fulfils_orders_with_its_embedded_workers(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
    tmp_path: Path,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    _, key = await make_user(db, balance="10")
    async with (
        panel_serve(tmp_path, db.url, status_sync_seconds="1", sweep_seconds="1") as url,
        httpx.AsyncClient(timeout=10) as http,
    ):
        client = SmmClient(http, url, key)
        order_id = (await client.call("add", service=service.id, link=unique_link(), quantity=100))["order"]
        await wait_for(lambda: _in(db, order_id, ACCEPTED_STATES), "the embedded worker to dispatch")
        fake.control.advance(3600)
        await wait_for(
            lambda: _in(db, order_id, frozenset({OrderState.COMPLETED})), "the embedded status sync"
        )
        assert (await client.call("status", order=order_id))["status"] == "Completed"


async def _in(db: Database, order_id: int, wanted: frozenset[OrderState]) -> bool:
    return (await states(db, [order_id]))[order_id] in wanted


def _rabbitmq_reachable() -> str | None:
    try:
        pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL)).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.mark.postgres
async def test_orders_flow_through_rabbitmq(
    pg_db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    problem = await asyncio.to_thread(_rabbitmq_reachable)
    if problem is not None:
        if IN_CI:
            pytest.fail(f"RabbitMQ is unreachable: {problem}")
        pytest.skip(f"RabbitMQ is unreachable: {problem}")
    config = settings.model_copy(
        update={
            "database_url": pg_db.url,
            "broker_url": RABBITMQ_URL,
            "broker_namespace": f"t{uuid.uuid4().hex[:12]}",
        }
    )
    provider = await add_provider(pg_db, registry, adapters, config, name="alpha", url=fake.url)
    service = await import_service(pg_db, config, provider, "1")
    user, _ = await make_user(pg_db, balance="10")
    runtime = WorkerRuntime(config, registry=registry)
    try:
        await asyncio.to_thread(runtime.start_worker, 2)
        pg_db.job_sender = runtime.sender
        orders = [await place(pg_db, user.id, service.id, config) for _ in range(3)]
        ids = [order.id for order in orders]
        await wait_for(lambda: _all_accepted(pg_db, ids), "dispatch through RabbitMQ")
    finally:
        pg_db.job_sender = None
        await asyncio.to_thread(runtime.stop_worker)
        await asyncio.to_thread(_delete_queues, runtime)
        runtime.broker.close()


async def _all_accepted(db: Database, ids: list[int]) -> bool:
    return all(state in ACCEPTED_STATES for state in (await states(db, ids)).values())


def _delete_queues(runtime: WorkerRuntime) -> None:
    """RabbitMQ queues outlive the test; remove this run's (main, delay and dead-letter queues)."""
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        channel = connection.channel()
        for queue in runtime.broker.get_declared_queues():
            for name in (queue, f"{queue}.DQ", f"{queue}.XQ", f"{queue}.DQ.XQ"):
                channel.queue_delete(name)
    finally:
        connection.close()
