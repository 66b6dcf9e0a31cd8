"""Builders for pipeline tests, going through the real use cases (provider, catalog, placement)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import func, select

from core.catalog import service as catalog
from core.catalog.models import Service
from core.catalog.pricing import PricingConfig
from core.catalog.sync import sync_catalog
from core.connections import service as connections
from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.ledger.models import EntryKind, LedgerEntry
from core.orders.models import Order
from core.orders.placement import place_order
from core.settings import Settings
from core.users.models import User
from providers.registry import AdapterRegistry

PROVIDER_KEY = "provider-secret-key-7c1e"
_links = itertools.count(1)


def unique_link() -> str:
    """A link used by one order only, so the fake provider's per-link counters identify it."""
    return f"https://instagram.com/p/pipeline{next(_links)}"


async def add_provider(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    *,
    name: str,
    url: str,
    currency: str = "USD",
) -> ProviderConnection:
    """A provider connection with its catalog synced."""
    async with db.transaction() as session:
        connection = await connections.add_provider(
            session,
            registry,
            name=name,
            adapter_key="smmv2",
            base_url=url,
            api_key=PROVIDER_KEY,
            currency=currency,
        )
    result = await sync_catalog(db, adapters, connection.id, settings)
    assert result.error is None, result.error
    return connection


async def import_service(
    db: Database, settings: Settings, provider: ProviderConnection, external_id: str = "1", markup: str = "50"
) -> Service:
    """A panel service imported from one provider service, with one route."""
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, provider.id)
        assert connection is not None
        created = await catalog.import_services(
            session,
            connection,
            PricingConfig.from_settings(settings),
            markup_percent=markup,
            external_ids=[external_id],
        )
    assert len(created) == 1
    return created[0]


async def add_route(
    db: Database,
    settings: Settings,
    service: Service,
    provider: ProviderConnection,
    external_id: str,
    priority: int,
) -> None:
    """One more route for a service."""
    async with db.transaction() as session:
        await catalog.add_route(
            session,
            PricingConfig.from_settings(settings),
            service_id=service.id,
            provider_name=provider.name,
            external_id=external_id,
            priority=priority,
        )


async def place(
    db: Database,
    user_id: int,
    service_id: int,
    settings: Settings,
    *,
    quantity: int = 100,
    link: str | None = None,
    extra: dict[str, str] | None = None,
) -> Order:
    """An order placed the way the API places it (charge in the ledger, dispatch enqueued after commit)."""
    raw = {
        "service": str(service_id),
        "link": link or unique_link(),
        "quantity": str(quantity),
        **(extra or {}),
    }
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        placement = await place_order(session, user, raw, request_id=None, price_step=settings.price_step)
    return placement.order


async def reload(db: Database, order_id: int) -> Order:
    """The order as stored now."""
    async with db.transaction() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


async def balance_of(db: Database, user_id: int) -> Decimal:
    """A user's cached balance."""
    async with db.transaction() as session:
        value = await session.scalar(select(User.balance).where(User.id == user_id))
        assert value is not None
        return value


async def ledger_count(db: Database, order_id: int, kind: EntryKind) -> int:
    """How many ledger entries of a kind an order has."""
    async with db.transaction() as session:
        count = await session.scalar(
            select(func.count()).where(LedgerEntry.order_id == order_id, LedgerEntry.kind == kind)
        )
        return int(count or 0)
