"""Fixtures for the API tests: the app in process over ASGI, on both databases and in both dialects."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from api.app import create_app
from core.db.database import Database
from core.settings import Settings
from tests.api.builders import V2Client
from tests.factories import make_user

ClientFactory = Callable[..., AbstractAsyncContextManager[V2Client]]


def settings_for(dialect: str = "seed", **overrides: object) -> Settings:
    """Settings for a test app, independent of the PANEL_ variables of the machine."""
    return Settings(api_dialect=dialect, currency="USD", price_step="0.0001", **overrides)  # type: ignore[arg-type]


@pytest.fixture
def v2_client(db: Database) -> ClientFactory:
    """`async with v2_client(key, dialect="seed") as client:` — /api/v2 in process on the `db` database."""

    @asynccontextmanager
    async def open_client(key: str, dialect: str = "seed") -> AsyncIterator[V2Client]:
        app = create_app(db, settings_for(dialect))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://panel.test") as http:
            yield V2Client(http, key)

    return open_client


@pytest.fixture
async def customer(db: Database) -> tuple[int, str]:
    """A customer with 100.00000 on balance: (user id, API key)."""
    user, key = await make_user(db, "buyer@example.com", balance="100")
    return user.id, key
