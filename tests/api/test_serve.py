"""The real `panel serve` over loopback HTTP: every action in both dialects, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import func, select

from core.catalog.models import Service
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.ledger.models import EntryKind, LedgerEntry
from core.orders.domain import OrderState
from core.users.models import User
from tests import databases
from tests.api.builders import V2Client, make_service, set_order_state
from tests.api.server import PANEL, panel_environment, running_panel
from tests.factories import make_user

LINK = "https://instagram.com/p/abc"
REDIS_URL = os.environ.get("PANEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PHP_CLIENT = {"User-Agent": "Mozilla/4.0 (compatible; MSIE 5.01; Windows NT 5.0)"}


@pytest.fixture
def quiet_broker() -> Iterator[dict[str, str]]:
    """Settings that send the server's jobs to a private Redis namespace nobody consumes, so no worker
    moves the orders while a test asserts exact replies; the namespace's keys are deleted afterwards."""
    namespace = f"apitest_{uuid.uuid4().hex[:12]}"
    yield {"broker_url": REDIS_URL, "broker_namespace": namespace}
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(f"{namespace}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.mark.redis
@pytest.mark.parametrize("dialect", ["seed", "perfectpanel"])
async def test_every_action_over_real_http(
    db: Database, tmp_path: Path, dialect: str, quiet_broker: dict[str, str]
) -> None:
    service = await make_service(db, rate="1.20", refill=True, cancel=True)
    _, key = await make_user(db, "http@example.com", balance="10")
    seed = dialect == "seed"
    async with (
        running_panel(tmp_path, db.url, api_dialect=dialect, **quiet_broker) as served,
        httpx.AsyncClient(base_url=served.base_url, headers=PHP_CLIENT, timeout=30) as http,
    ):
        client = V2Client(http, key)
        services = await client.call("services")
        assert services[0]["service"] == service
        assert services[0]["min"] == (10 if seed else "10")

        # The standard PHP class: a hand-built urlencoded body.
        body = f"key={key}&action=add&service={service}&link={LINK}&quantity=100".encode()
        first = await client.raw(content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        # An async client that sends everything as GET, to the trailing-slash path.
        second = await client.raw(
            "GET",
            "/api/v2/",
            params={"key": key, "action": "add", "service": service, "link": LINK, "quantity": 200},
        )
        first_id, second_id = first["order"], second["order"]
        view = {
            "charge": "0.12000",
            "start_count": "0",
            "status": "Pending",
            "remains": "100",
            "currency": "USD",
        }
        assert await client.call("status", order=first_id) == view
        multi = await client.call("status", orders=f"{first_id},1,Array")
        if seed:
            assert multi[0] == {"order": first_id, **view}
            assert multi[-1] == {"order": "Array", "error": "Incorrect order ID"}
        else:
            assert multi[str(first_id)] == view
            assert multi["Array"] == {"error": "Incorrect order ID"}

        await set_order_state(db, first_id, OrderState.COMPLETED)
        refill = await client.call("refill", order=first_id)
        refill_id = int(refill["refill"])
        assert refill == ({"refill": refill_id} if seed else {"refill": str(refill_id)})
        assert await client.call("refill", orders=f"{first_id},x") == [
            {"order": first_id, "refill": {"error": "A refill for this order is already requested"}},
            {"order": "x", "refill": {"error": "Incorrect order ID"}},
        ]
        assert await client.call("refill_status", refill=refill_id) == {"status": "Pending"}
        assert await client.call("refill_status", refills=f"{refill_id},Array") == [
            {"refill": refill_id, "status": "Pending"},
            {"refill": "Array", "status": {"error": "Refill not found"}},
        ]

        cancel = await client.call("cancel", orders=f"{second_id},{first_id}")
        if seed:
            assert cancel[0] == {"order": second_id, "canceled": True}
            assert cancel[1]["canceled"] is False
        else:
            assert cancel == [
                {"order": second_id, "cancel": 1},
                {
                    "order": first_id,
                    "cancel": {"error": "The order is finished and can no longer be canceled"},
                },
            ]
        assert await client.call("balance") == {"balance": "9.64000", "currency": "USD"}
        assert await client.call("balance", key="wrong") == {"error": "Incorrect API key"}
    assert key not in served.stdout() + served.stderr_path.read_text()


async def _counts(url: str) -> tuple[int, int, int]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            services = await session.scalar(select(func.count()).select_from(Service))
            providers = await session.scalar(select(func.count()).select_from(ProviderConnection))
            users = await session.scalar(select(func.count()).select_from(User))
            return int(services or 0), int(providers or 0), int(users or 0)
    finally:
        await database.dispose()


async def test_demo_seeds_once_and_prints_a_fresh_key_on_each_start(tmp_path: Path) -> None:
    # The embedded workers run here too: the demo order really goes to the simulated provider.
    url = f"sqlite+aiosqlite:///{tmp_path / 'panel.db'}"  # a fresh file: serve migrates it itself
    async with (
        running_panel(tmp_path, url, "--demo") as served,
        httpx.AsyncClient(base_url=served.base_url) as http,
    ):
        first_key = served.demo_key()
        client = V2Client(http, first_key)
        services = await client.call("services")
        default = next(s for s in services if s["type"] == "Default")
        placed = await client.call("add", service=default["service"], link=LINK, quantity=default["min"])
        assert "order" in placed
        status = await client.call("status", order=placed["order"])
        assert status["status"] in {
            "Pending",
            "Processing",
            "In progress",
            "Completed",
            "Partial",
            "Canceled",
        }
    counts = await _counts(url)
    assert counts[0] >= 10
    assert counts[1:] == (1, 1)

    async with (
        running_panel(tmp_path, url, "--demo") as served,
        httpx.AsyncClient(base_url=served.base_url) as http,
    ):
        second_key = served.demo_key()
        assert second_key != first_key
        assert await V2Client(http, first_key).call("balance") == {"error": "Incorrect API key"}
        assert (await V2Client(http, second_key).call("balance"))["balance"] != "100.00000"
        assert len(await V2Client(http, second_key).call("services")) == len(services)
    assert await _counts(url) == counts
    assert await _deposits(url) == 1  # funded once, not at every start


async def _deposits(url: str) -> int:
    database = Database(url)
    try:
        async with database.transaction() as session:
            found = await session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == EntryKind.DEPOSIT)
            )
            return int(found or 0)
    finally:
        await database.dispose()


async def test_serve_refuses_an_unmigrated_postgres_database(pg_url: str, tmp_path: Path) -> None:
    url = await databases.create_database()
    try:
        done = subprocess.run(
            [PANEL, "serve", "--port", "0"],
            env=panel_environment(url),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        await databases.drop_database(url)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: the database is not migrated to the latest version; run `panel migrate`"
    ]
