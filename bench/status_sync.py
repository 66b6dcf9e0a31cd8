"""Benchmark one full status sync of 100,000 active orders at a fake provider with 100 ms per call.

    .venv/bin/python bench/status_sync.py [--orders 100000] [--latency-ms 100] [--concurrency 8]

The fake provider (this process, its own thread) holds N real orders; a private, freshly migrated
PostgreSQL database holds the same N orders as accepted (`pending`) panel orders spread over 100
customers. The sync runs in a child process — the "worker" — so its CPU time and peak memory are its
own: `core.orders.status_sync.sync_provider_statuses`, the exact code the `sync_statuses` actor runs.

Three full syncs are measured, each after making every order due:

1. *in flight*: the provider's clock moved 40 s, so most orders went Pending → In progress (and the 5 %
   the provider cancels while pending are refunded);
2. *steady*: a minute later; orders are still in progress, only their remains move — the common case;
3. *finishing*: the clock moved a further four hours, so every order ends (85 % Completed, 10 % Partial,
   5 % Canceled): every row changes state and 15 % are refunded through the ledger.

For each: wall time, provider `status` calls (must be ≤ ⌈N/100⌉), orders checked/changed/refunded, and
the worker's user+system CPU time and peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert, update
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.catalog.pricing import PricingConfig  # noqa: E402
from core.catalog.service import import_services  # noqa: E402
from core.catalog.sync import sync_catalog  # noqa: E402
from core.connections import service as connections  # noqa: E402
from core.connections.adapters import AdapterFactory, new_http_client  # noqa: E402
from core.db.database import Database  # noqa: E402
from core.db.types import utcnow  # noqa: E402
from core.orders.domain import OrderState, order_charge  # noqa: E402
from core.orders.models import Order  # noqa: E402
from core.orders.status_sync import sync_provider_statuses  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.users.models import Role, User  # noqa: E402
from migrations import runner  # noqa: E402
from providers.fake_server import BookSettings, fake_provider_in_thread  # noqa: E402
from providers.registry import load_adapters  # noqa: E402

ADMIN_URL = os.environ.get("PANEL_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PROVIDER_KEY = "bench-provider-key"
CUSTOMERS = 100
# TikTok Views (fake service 16, up to 10M): an order this large runs for hours at the fake provider, so
# the orders stay in progress however long the first measured sync takes on a slow machine.
SERVICE = "16"
QUANTITY = 200_000


def _settings(database_url: str, concurrency: int) -> Settings:
    return Settings(
        database_url=database_url,
        broker_url=None,
        currency="USD",
        status_sync_seconds=60,
        provider_timeout_seconds=30,
        status_sync_concurrency=concurrency,
    )


# -- the worker (child process: `bench/status_sync.py --worker URL PROVIDER_ID CONCURRENCY`) -----------


async def _worker(database_url: str, provider_id: int, concurrency: int) -> dict[str, Any]:
    settings = _settings(database_url, concurrency)
    db = Database(database_url)
    http = new_http_client(settings.provider_timeout_seconds)
    try:
        adapters = AdapterFactory(load_adapters(allow=[], deny=[]), http, settings.provider_timeout_seconds)
        started = time.perf_counter()
        report = await sync_provider_statuses(db, adapters, provider_id, settings, concurrency=concurrency)
        wall = time.perf_counter() - started
    finally:
        await http.aclose()
        await db.dispose()
    return {
        "wall_seconds": wall,
        "checked": report.checked,
        "changed": report.changed,
        "finished": report.finished,
        "refunded": len(report.refunded),
        "missing": report.missing,
        "calls": report.calls,
        "failed_batches": report.failed_batches,
    }


def _run_worker(database_url: str, provider_id: int, concurrency: int) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", database_url, str(provider_id), str(concurrency)],
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"worker failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far (KiB on Linux); each run is one child.
    result["peak_rss_mib"] = after.ru_maxrss / 1024
    return result


# -- setting up ----------------------------------------------------------------------------------------


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _create_database() -> str:
    name = f"panel_bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def _drop_database(url: str) -> None:
    connection = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await connection.close()


async def _seed(database_url: str, fake_url: str, provider_order_ids: list[int]) -> tuple[int, int]:
    """Provider, imported service, customers and one accepted order per fake order; (provider id, n)."""
    settings = _settings(database_url, 8)
    registry = load_adapters(allow=[], deny=[])
    db = Database(database_url)
    http = new_http_client(30)
    try:
        adapters = AdapterFactory(registry, http, 30)
        async with db.transaction() as session:
            provider = await connections.add_provider(
                session,
                registry,
                name="bench",
                adapter_key="smmv2",
                base_url=fake_url,
                api_key=PROVIDER_KEY,
                currency="USD",
            )
        await sync_catalog(db, adapters, provider.id, settings)
        async with db.transaction() as session:
            [service] = await import_services(
                session, provider, PricingConfig.from_settings(settings), external_ids=[SERVICE]
            )
            await session.execute(
                insert(User),
                [
                    {
                        "email": f"bench{i}@example.com",
                        "role": Role.CUSTOMER,
                        "balance": Decimal(0),
                        "discount_percent": Decimal(0),
                    }
                    for i in range(CUSTOMERS)
                ],
            )
        async with db.transaction() as session:
            user_ids = [row.id for row in (await session.execute(User.__table__.select())).all()]
        charge = order_charge(service.rate, QUANTITY)
        now = utcnow()
        chunk = 5000
        for start in range(0, len(provider_order_ids), chunk):
            rows = [
                {
                    "user_id": user_ids[i % len(user_ids)],
                    "service_id": service.id,
                    "provider_id": provider.id,
                    "provider_service_id": service.source_provider_service_id,
                    "provider_order_id": str(provider_order_id),
                    "link": f"https://instagram.com/p/bench{i}",
                    "quantity": QUANTITY,
                    "params": {},
                    "charge": charge,
                    "refunded": Decimal(0),
                    "state": OrderState.PENDING,
                    "dispatch_attempts": 1,
                    "status_flagged": False,
                    "next_check_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, provider_order_id in enumerate(provider_order_ids[start : start + chunk], start=start)
            ]
            async with db.transaction() as session:
                await session.execute(insert(Order), rows)
        # Refunds are credits, so no opening balance is needed; the ledger check is not the point here.
        return provider.id, len(provider_order_ids)
    finally:
        await http.aclose()
        await db.dispose()


async def _make_due(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(update(Order).values(next_check_at=utcnow()))
        async with db.engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE orders")
    finally:
        await db.dispose()


def _print(label: str, orders: int, result: dict[str, Any], calls: int) -> None:
    limit = math.ceil(orders / 100)
    print(f"\n{label}")
    print(f"  wall time            {result['wall_seconds']:.2f} s")
    print(
        f"  provider calls       {calls} status requests (limit ⌈N/100⌉ = {limit}) {'ok' if calls <= limit else 'OVER'}"
    )
    print(
        f"  orders checked       {result['checked']} (changed {result['changed']}, finished {result['finished']}, refunded {result['refunded']})"
    )
    print(f"  worker CPU time      {result['cpu_seconds']:.2f} s (user+system)")
    print(f"  worker peak memory   {result['peak_rss_mib']:.0f} MiB RSS")
    print(f"  throughput           {result['checked'] / result['wall_seconds']:.0f} orders/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--worker", nargs=3, metavar=("URL", "PROVIDER", "CONCURRENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        url, provider_id, concurrency = args.worker
        print(json.dumps(asyncio.run(_worker(url, int(provider_id), int(concurrency)))))
        return

    book = BookSettings(balance=Decimal(10**9), partial_share=0.10, cancel_share=0.05, seed=42)
    database_url = asyncio.run(_create_database())
    try:
        runner.upgrade(database_url)
        with fake_provider_in_thread("perfectpanel", api_key=PROVIDER_KEY, settings=book) as fake:
            started = time.perf_counter()
            with fake.control.lock:
                ids = [
                    fake.control.book.add(
                        {
                            "service": SERVICE,
                            "link": f"https://instagram.com/p/bench{i}",
                            "quantity": str(QUANTITY),
                        }
                    )
                    for i in range(args.orders)
                ]
            provider_id, orders = asyncio.run(_seed(database_url, fake.url, ids))
            print(
                f"seeded {orders} orders at the fake provider and in PostgreSQL in {time.perf_counter() - started:.1f} s"
            )
            fake.control.set_faults(latency_ms=args.latency_ms)
            print(f"provider latency {args.latency_ms:.0f} ms per call, {args.concurrency} batches in flight")

            for label, advance in (
                ("1. in flight (Pending → In progress)", 40.0),
                ("2. steady (still in progress: remains move, no state changes)", 60.0),
                ("3. finishing (every order ends; 15% refunded)", 4 * 3600.0),
            ):
                fake.control.advance(advance)
                asyncio.run(_make_due(database_url))
                calls_before = fake.control.stats()["requests_by_action"].get("status", 0)
                result = _run_worker(database_url, provider_id, args.concurrency)
                calls = fake.control.stats()["requests_by_action"].get("status", 0) - calls_before
                _print(label, orders, result, calls)
                if calls > math.ceil(orders / 100):
                    raise SystemExit("more provider calls than ⌈N/100⌉")
    finally:
        asyncio.run(_drop_database(database_url))


if __name__ == "__main__":
    main()
