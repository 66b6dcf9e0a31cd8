"""Test data for the REST tests, made through the real use cases wherever money or the catalog is involved.

Order progress (dispatch, provider statuses) is the workers' business; `advance` stands in for it by
setting what a dispatch and a status sync would have recorded, then settling terminal orders through the
real refund use case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.catalog import admin as catalog_admin
from core.catalog.models import ProviderService
from core.catalog.pricing import PricingConfig
from core.catalog.service import sync_provider_catalog
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.orders import refunds
from core.orders.domain import TERMINAL_STATES, OrderState
from core.orders.models import Order
from core.orders.placement import place_order
from core.pricing.service import set_exchange_rate
from core.settings import Settings
from core.users.models import User
from providers.dto import ProviderServiceInfo

PROVIDER_SECRET = "upstream-secret-key-0001"
PROVIDER_NAME = "upstream-one"
BACKUP_NAME = "upstream-two-eur"


def info(
    external_id: str,
    name: str,
    rate: str,
    *,
    type: str = "Default",
    category: str = "Instagram",
    low: int = 10,
    high: int = 10_000,
    refill: bool = False,
    cancel: bool = False,
    dripfeed: bool = False,
) -> ProviderServiceInfo:
    """One provider catalog entry."""
    return ProviderServiceInfo(
        external_id=external_id,
        name=name,
        type=type,
        category=category,
        rate=Decimal(rate),
        min=low,
        max=high,
        refill=refill,
        cancel=cancel,
        dripfeed=dripfeed,
        description=f"{name} from upstream",
    )


PRIMARY_CATALOG = [
    info("101", "Followers HQ", "1.000", refill=True, cancel=True, dripfeed=True),
    info("102", "Likes Fast", "0.500"),
    info("103", "Custom Comments", "4.000", type="Custom Comments", low=1, high=100),
    info("104", "Story Package", "2.000", type="Package", category="Packages", low=1, high=1),
    info("105", "Views Cheap", "0.100", category="YouTube"),
]
BACKUP_CATALOG = [info("9001", "Followers EU", "0.800", refill=True, cancel=True, dripfeed=True)]


@dataclass(frozen=True)
class Catalog:
    """What `seed_catalog` created: providers, provider services by external id, services on sale."""

    provider_id: int
    backup_provider_id: int
    provider_services: dict[str, int]
    followers: int
    likes: int
    comments: int
    package: int


async def _connection(db: Database, name: str, currency: str) -> ProviderConnection:
    async with db.transaction() as session:
        connection = ProviderConnection(
            name=name,
            adapter_key="simulated",
            base_url="simulated://local",
            api_key=PROVIDER_SECRET,
            currency=currency,
            settings={"seed": 3},
        )
        session.add(connection)
        await session.flush()
        return connection


async def seed_catalog(db: Database, settings: Settings) -> Catalog:
    """Two simulated providers (USD, and EUR at 1.1), their catalogs synced, four services on sale.

    Followers routes to upstream-one 101 first and to the EUR backup second (priced at 30% over 1.000).
    """
    pricing = PricingConfig.from_settings(settings)
    primary = await _connection(db, PROVIDER_NAME, "USD")
    backup = await _connection(db, BACKUP_NAME, "EUR")
    async with db.transaction() as session:
        await set_exchange_rate(session, "EUR", "1.1", panel_currency="USD")
        await sync_provider_catalog(session, primary, PRIMARY_CATALOG, pricing)
        await sync_provider_catalog(session, backup, BACKUP_CATALOG, pricing)
    ids: dict[str, int] = {}
    async with db.transaction() as session:
        for row in await session.scalars(select(ProviderService)):
            ids[row.external_id] = row.id
    created: dict[str, int] = {}
    async with db.transaction() as session:
        for name, sources in (
            ("followers", ["101", "9001"]),
            ("likes", ["102"]),
            ("comments", ["103"]),
            ("package", ["104"]),
        ):
            service = await catalog_admin.create_service(
                session, pricing, provider_service_ids=[ids[s] for s in sources]
            )
            created[name] = service.id
    return Catalog(primary.id, backup.id, ids, **created)


async def place(
    db: Database,
    user_id: int,
    service_id: int,
    quantity: int = 100,
    *,
    request_id: str | None = None,
    price_step: Decimal = Decimal("0.0001"),
) -> int:
    """An order placed and paid through the real placement use case; returns its id."""
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        placement = await place_order(
            session,
            user,
            {"service": str(service_id), "link": "https://instagram.com/p/abc", "quantity": str(quantity)},
            request_id=request_id,
            price_step=price_step,
        )
        return placement.order.id


async def advance(
    db: Database,
    order_id: int,
    state: OrderState,
    *,
    provider_id: int | None = None,
    provider_order_id: str | None = "UP-1",
    cost: str | None = None,
    cost_currency: str = "USD",
    exchange_rate: str = "1",
    provider_charge: str | None = None,
    remains: int | None = None,
) -> None:
    """Record what dispatch and status sync would have: provider, cost, state; settle a terminal order."""
    async with db.transaction() as session:
        order = await session.get(Order, order_id, with_for_update=True)
        assert order is not None
        if provider_id is not None:
            order.provider_id = provider_id
            order.provider_order_id = provider_order_id
            order.cost = None if cost is None else Decimal(cost)
            order.cost_currency = cost_currency
            order.exchange_rate = Decimal(exchange_rate)
        if provider_charge is not None:
            order.provider_charge = Decimal(provider_charge)
        order.remains = remains
        order.state = state
        await session.flush()
        if state in TERMINAL_STATES:
            await refunds.settle(session, order)
