"""Demo data for `panel serve --demo`: a simulated provider, its catalog on sale, and a funded customer.

Idempotent: a second run finds the provider, re-syncs its catalog (importing only what is new), finds
the customer without funding them again, and rotates their key, since the old one was shown only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.catalog.pricing import PricingConfig
from core.catalog.service import import_services, list_services, sync_provider_catalog
from core.connections import service as connections
from core.connections.adapters import AdapterFactory, new_http_client
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.errors import NotFound
from core.settings import Settings
from core.users import service as users
from providers.registry import AdapterRegistry

DEMO_PROVIDER = "demo-sim"
DEMO_EMAIL = "demo@example.com"
DEMO_BALANCE = Decimal("100.00000")
DEMO_MARKUP_PERCENT = Decimal("30")
# 60 simulated seconds per second: demo orders go from Pending to Completed within minutes.
DEMO_PROVIDER_SETTINGS = {"speed": 60.0}


@dataclass(frozen=True)
class DemoSeed:
    """What the demo set up; `api_key` is the customer's new key, shown once."""

    email: str
    api_key: str
    balance: Decimal
    services_on_sale: int
    services_imported_now: int

    def __repr__(self) -> str:
        return f"DemoSeed(email={self.email!r}, services_on_sale={self.services_on_sale})"


async def _demo_provider(db: Database, registry: AdapterRegistry, currency: str) -> ProviderConnection:
    async with db.transaction() as session:
        try:
            return await connections.get_provider(session, DEMO_PROVIDER)
        except NotFound:
            return await connections.add_provider(
                session,
                registry,
                name=DEMO_PROVIDER,
                adapter_key="simulated",
                base_url=None,
                api_key="demo",
                currency=currency,
                settings=DEMO_PROVIDER_SETTINGS,
            )


async def seed_demo(db: Database, registry: AdapterRegistry, config: Settings) -> DemoSeed:
    """Create (or refresh) the demo provider, services and customer; return the customer's new key."""
    connection = await _demo_provider(db, registry, config.currency)
    async with new_http_client(config.provider_timeout_seconds) as http:
        adapter = AdapterFactory(registry, http, config.provider_timeout_seconds).for_connection(connection)
        infos = await adapter.services()
    pricing = PricingConfig.from_settings(config)
    async with db.transaction() as session:
        await sync_provider_catalog(session, connection, infos, pricing)
        # The simulated provider's service 1 (plain followers) first, so the README's `service=1` works.
        imported = await import_services(
            session, connection, pricing, markup_percent=DEMO_MARKUP_PERCENT, external_ids=["1"]
        )
        imported += await import_services(session, connection, pricing, markup_percent=DEMO_MARKUP_PERCENT)
        try:
            customer = await users.get_by_email(session, DEMO_EMAIL)
            api_key = await users.rotate_key(session, DEMO_EMAIL)
        except NotFound:
            created = await users.create_user(session, DEMO_EMAIL, balance=DEMO_BALANCE)
            customer, api_key = created.user, created.api_key
        on_sale = sum(1 for service in await list_services(session) if service.enabled)
    return DemoSeed(DEMO_EMAIL, api_key, customer.balance, on_sale, len(imported))
