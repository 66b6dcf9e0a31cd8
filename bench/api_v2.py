"""Benchmark /api/v2 over loopback against PostgreSQL, beside a no-op Litestar endpoint.

    .venv/bin/python bench/api_v2.py [--clients 32] [--requests 2000] [--database-url URL]

Starts two servers (each one uvicorn process): the panel's API on a private, freshly migrated PostgreSQL
database, and a Litestar app whose only route returns a constant. N concurrent HTTP clients then send
`add` (all from one customer, whose balance row every order locks, then spread over several
customers), multi-`status` (100 ids), `balance`, and no-op requests. For each phase it prints throughput,
p50/p95/p99 latency, and the throughput ratio to the no-op endpoint measured in the same run.

The API server runs without a job sender (jobs are dropped; nothing dispatches), so the figures are the
API's own cost: parsing, authentication, validation, pricing, the order insert and the ledger debit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from litestar import Litestar, MediaType, Response, route
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("PANEL_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
LINK = "https://instagram.com/p/benchmark"
_LISTENING = re.compile(rb"^listening (\d+)$", re.MULTILINE)


# -- servers (run in subprocesses: `bench/api_v2.py --serve panel|noop`) --------------------------------


def _socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


def _noop_app() -> Any:
    @route("/noop", http_method=["GET", "POST"], status_code=200)
    async def noop() -> Response[bytes]:
        return Response(b'{"ok":true}', media_type=MediaType.JSON, status_code=200)

    return Litestar([noop])


def _panel_app(database_url: str) -> Any:
    from api.app import create_app
    from core.db.database import Database
    from core.settings import Settings

    settings = Settings(database_url=database_url)
    return create_app(Database(database_url, pool_size=20, max_overflow=20), settings)


def serve(kind: str, database_url: str | None) -> None:
    """Serve one app on a free loopback port; print `listening PORT` once bound."""
    import uvicorn

    from core.logs import configure_logging

    configure_logging("WARNING")
    app = _noop_app() if kind == "noop" else _panel_app(database_url or "")
    sock = _socket()
    print(f"listening {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


class Server:
    """A benchmark server subprocess."""

    def __init__(self, kind: str, database_url: str | None = None) -> None:
        args = [sys.executable, __file__, "--serve", kind]
        if database_url:
            args += ["--database-url", database_url]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, cwd=ROOT)
        line = self.process.stdout.readline() if self.process.stdout else b""
        found = _LISTENING.match(line.strip())
        if found is None:
            self.process.kill()
            raise SystemExit(f"the {kind} server did not start: {line!r}")
        self.port = int(found.group(1))

    def stop(self) -> None:
        """Terminate and reap the process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- the database ------------------------------------------------------------------------------------


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(admin_url: str) -> str:
    """A private database for this run."""
    name = f"panel_bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_dsn(admin_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, url: str) -> None:
    """Drop the private database."""
    connection = await asyncpg.connect(_dsn(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await connection.close()


async def seed(url: str, customers: int) -> tuple[int, list[str]]:
    """One service with a live route and customers with huge balances: (service id, their API keys)."""
    from core.catalog.models import ProviderService, Service, ServiceRoute
    from core.connections.models import ProviderConnection
    from core.db.database import Database
    from core.users import service as users

    db = Database(url)
    run = uuid.uuid4().hex[:8]
    try:
        async with db.transaction() as session:
            provider = ProviderConnection(
                name=f"bench-{run}",
                adapter_key="simulated",
                base_url="simulated://local",
                api_key="x",
                currency="USD",
            )
            session.add(provider)
            await session.flush()
            upstream = ProviderService(
                provider_id=provider.id, external_id="1", name="Followers", rate=Decimal("0.5"),
                min_quantity=10, max_quantity=100_000,
            )  # fmt: skip
            session.add(upstream)
            await session.flush()
            service = Service(
                name="Followers", category="Bench", rate=Decimal("1.2"), min_quantity=10, max_quantity=100_000,
                source_provider_service_id=upstream.id,
            )  # fmt: skip
            session.add(service)
            await session.flush()
            session.add(ServiceRoute(service_id=service.id, provider_service_id=upstream.id))
            keys = []
            for n in range(customers):
                created = await users.create_user(
                    session, f"bench-{run}-{n}@example.com", balance="1000000000"
                )
                keys.append(created.api_key)
            return service.id, keys
    finally:
        await db.dispose()


# -- the load ----------------------------------------------------------------------------------------


@dataclass
class Result:
    """One phase's measurements."""

    name: str
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return len(self.latencies) / self.seconds

    def percentile(self, p: int) -> float:
        """Latency percentile in milliseconds."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


async def run_phase(
    name: str, clients: int, total: int, send: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
) -> Result:
    """`total` requests from `clients` concurrent clients, each with its own keep-alive connection."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def client_loop(http: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in counter:
            started = time.perf_counter()
            response = await send(http, n)
            latencies.append(time.perf_counter() - started)
            body = response.json()
            if response.status_code != 200 or (isinstance(body, dict) and "error" in body):
                errors += 1

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    https = [httpx.AsyncClient(limits=limits, timeout=60) for _ in range(clients)]
    try:
        warm = iter(range(clients))
        await asyncio.gather(*(send(http, next(warm)) for http in https))  # open every connection first
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(http) for http in https))
        seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(http.aclose() for http in https))
    return Result(name, latencies, seconds, errors)


async def benchmark(args: argparse.Namespace) -> list[Result]:
    """Run every phase against freshly started servers."""
    from migrations import runner

    url = args.database_url or await create_database(ADMIN_URL)
    servers: list[Server] = []
    try:
        await asyncio.to_thread(runner.upgrade, url)
        service_id, keys = await seed(url, max(args.customers, 1))
        key = keys[0]
        panel = Server("panel", url)
        servers.append(panel)
        noop = Server("noop")
        servers.append(noop)
        api = f"http://127.0.0.1:{panel.port}/api/v2"
        order_ids: list[int] = []

        def adder(spread: bool) -> Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]:
            async def add(http: httpx.AsyncClient, n: int) -> httpx.Response:
                data = {
                    "key": keys[n % len(keys)] if spread else key,
                    "action": "add",
                    "service": str(service_id),
                    "link": f"{LINK}/{n}",
                    "quantity": "1000",
                }
                response = await http.post(api, data=data)
                body = response.json()
                if "order" in body and not spread:
                    order_ids.append(body["order"])
                return response

            return add

        async def status(http: httpx.AsyncClient, n: int) -> httpx.Response:
            start = (n * 100) % max(len(order_ids) - 100, 1)
            batch = ",".join(str(i) for i in order_ids[start : start + 100])
            return await http.post(api, data={"key": key, "action": "status", "orders": batch})

        async def balance(http: httpx.AsyncClient, _n: int) -> httpx.Response:
            return await http.post(api, data={"key": key, "action": "balance"})

        async def nothing(http: httpx.AsyncClient, _n: int) -> httpx.Response:
            return await http.post(
                f"http://127.0.0.1:{noop.port}/noop", data={"key": key, "action": "balance"}
            )

        results = [await run_phase("no-op Litestar", args.clients, args.requests, nothing)]
        results.append(await run_phase("add, 1 customer", args.clients, args.requests, adder(spread=False)))
        if len(keys) > 1:
            name = f"add, {len(keys)} customers"
            results.append(await run_phase(name, args.clients, args.requests, adder(spread=True)))
        results.append(await run_phase("status x100 ids", args.clients, args.requests, status))
        results.append(await run_phase("balance", args.clients, args.requests, balance))
        return results
    finally:
        for server in servers:
            server.stop()
        if not args.database_url:
            await drop_database(ADMIN_URL, url)


def report(results: list[Result], clients: int) -> str:
    """The figures as a table."""
    noop = results[0].throughput
    lines = [
        f"{clients} concurrent clients, loopback, PostgreSQL, {os.cpu_count()} CPUs",
        f"{'phase':<20}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'vs no-op':>10}",
    ]
    for r in results:
        lines.append(
            f"{r.name:<20}{len(r.latencies):>9}{r.errors:>7}{r.throughput:>9.0f}{r.percentile(50):>9.1f}"
            f"{r.percentile(95):>9.1f}{r.percentile(99):>9.1f}{r.throughput / noop:>10.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients")
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase")
    parser.add_argument(
        "--database-url", default=None, help="a migrated PostgreSQL URL (default: a private one)"
    )
    parser.add_argument(
        "--customers", type=int, default=8, help="customers the second add phase spreads orders over"
    )
    parser.add_argument("--serve", choices=["panel", "noop"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.database_url)
        return
    print(report(asyncio.run(benchmark(args)), args.clients))


if __name__ == "__main__":
    main()
