"""Fixtures for the REST API tests: the whole app in process, on both databases, and seeded actors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
import structlog
from litestar import Litestar

from api.app import create_app
from core.db.database import Database
from core.settings import Settings
from providers.registry import AdapterRegistry, load_adapters
from tests.factories import make_user
from tests.rest.builders import Catalog, seed_catalog

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def rest_settings(**overrides: object) -> Settings:
    """Settings for a test app, independent of the machine's PANEL_ variables."""
    values: dict[str, object] = {
        "database_url": "sqlite+aiosqlite:///unused.db",
        "currency": "USD",
        "price_step": Decimal("0.0001"),
        "default_markup_percent": Decimal("30"),
        "provider_timeout_seconds": 2.0,
        "cors_origins": ["https://shop.example"],
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def default_structlog() -> None:
    """structlog as it comes: a test that configured it (tests/unit/test_logs.py) may have left it
    printing to a capture stream pytest has closed since, and the app logs while serving these tests."""
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def registry() -> AdapterRegistry:
    """The built-in adapters (simulated, smmv2, testedsmm)."""
    return load_adapters(allow=[], deny=[])


@pytest.fixture
def app(db: Database, registry: AdapterRegistry) -> Litestar:
    """The panel's application on the test database."""
    return create_app(db, rest_settings(), registry=registry)


@dataclass(frozen=True)
class Actor:
    """A seeded user: id, email and API key."""

    id: int
    email: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header of this user."""
        return {"Authorization": f"Bearer {self.key}"}


@pytest.fixture
def client(app: Litestar) -> ClientFactory:
    """`async with client(actor) as http:` — the app in process, authenticated as `actor` (or nobody)."""

    @asynccontextmanager
    async def open_client(actor: Actor | None = None) -> AsyncIterator[httpx.AsyncClient]:
        # ASGITransport runs the app on this event loop, where the database's connections live; the
        # app's lifespan (it closes the HTTP client admin actions open) runs around it.
        transport = httpx.ASGITransport(app=app)
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://panel.test") as http,
        ):
            if actor is not None:
                http.headers.update(actor.headers)
            yield http

    return open_client


async def _actor(db: Database, email: str, balance: str, admin: bool = False) -> Actor:
    user, key = await make_user(db, email, balance=balance, admin=admin)
    return Actor(user.id, user.email, key)


@pytest.fixture
async def alice(db: Database) -> Actor:
    """A customer with 100 on balance."""
    return await _actor(db, "alice@example.com", "100")


@pytest.fixture
async def bob(db: Database) -> Actor:
    """Another customer with 100 on balance."""
    return await _actor(db, "bob@example.com", "100")


@pytest.fixture
async def admin(db: Database) -> Actor:
    """An admin."""
    return await _actor(db, "admin@example.com", "0", admin=True)


@pytest.fixture
async def catalog(db: Database) -> Catalog:
    """A simulated provider with a small catalog, and services on sale from it."""
    return await seed_catalog(db, rest_settings())
