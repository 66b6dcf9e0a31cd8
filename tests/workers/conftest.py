"""Fixtures for the order pipeline: fake providers on loopback, adapters, settings, and order builders."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from core.connections.adapters import AdapterFactory, new_http_client
from core.settings import Settings
from providers.fake_server import BookSettings, FakeProviderHandle, fake_provider_in_thread
from providers.registry import AdapterRegistry, load_adapters
from tests.workers.builders import PROVIDER_KEY
from tests.workers.redis_server import RedisServer, redis_server_binary

TIMEOUT_SECONDS = 2.0
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def registry() -> AdapterRegistry:
    """The built-in adapters."""
    return load_adapters(allow=[], deny=[])


@pytest.fixture
def settings() -> Settings:
    """Settings for pipeline tests: short deadlines, everything explicit (the environment may differ)."""
    return Settings(
        database_url="sqlite+aiosqlite:///unused.db",
        broker_url=None,
        currency="USD",
        price_step=Decimal("0.0001"),
        default_markup_percent=Decimal("30"),
        provider_timeout_seconds=TIMEOUT_SECONDS,
        status_sync_seconds=60,
        sweep_seconds=5,
        stall_margin_seconds=1,
        broker_namespace="paneltest",
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The shared HTTP client of the test process."""
    client = new_http_client(TIMEOUT_SECONDS)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def adapters(registry: AdapterRegistry, http: httpx.AsyncClient) -> AdapterFactory:
    """Adapters for stored provider connections, on the shared client."""
    return AdapterFactory(registry, http, TIMEOUT_SECONDS)


def _fake(balance: str = "1000") -> Iterator[FakeProviderHandle]:
    with fake_provider_in_thread(
        "perfectpanel", api_key=PROVIDER_KEY, settings=BookSettings(balance=Decimal(balance), seed=7)
    ) as handle:
        yield handle


@pytest.fixture
def fake() -> Iterator[FakeProviderHandle]:
    """A fake Perfect Panel provider on a free loopback port, in its own thread."""
    yield from _fake()


@pytest.fixture
def fake_b() -> Iterator[FakeProviderHandle]:
    """A second, independent fake provider (for failover)."""
    yield from _fake()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server on a free port (never the shared one). Missing Redis fails under CI."""
    binary = redis_server_binary()
    if binary is None:
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing Redis is a failure, not a skip)")
        pytest.skip(message)
    server = RedisServer(binary, tmp_path)
    try:
        server.start()
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"{exc} (CI=true: a missing Redis is a failure, not a skip)")
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
