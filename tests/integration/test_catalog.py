"""Catalog sync, import, repricing and the margin guard, on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.catalog.models import CatalogChange, ProviderService, Service, ServiceRoute
from core.catalog.pricing import BELOW_COST, NO_EXCHANGE_RATE, NO_LIVE_ROUTE, PricingConfig
from core.catalog.service import add_route, import_services, sync_provider_catalog
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.errors import Conflict, NotFound
from core.invariants import check_invariants
from core.pricing.service import set_exchange_rate
from providers.dto import ProviderServiceInfo

D = Decimal
CONFIG = PricingConfig(panel_currency="USD", price_step=D("0.0001"), default_markup_percent=D("30"))


def info(external_id: str, rate: str, **overrides: object) -> ProviderServiceInfo:
    fields: dict[str, object] = {
        "external_id": external_id,
        "name": f"Followers {external_id}",
        "type": "default",
        "category": "Instagram",
        "rate": D(rate),
        "min": 10,
        "max": 10000,
        "refill": True,
        "cancel": False,
        "dripfeed": False,
        "description": None,
    }
    fields.update(overrides)
    return ProviderServiceInfo(**fields)  # type: ignore[arg-type]


async def provider(db: Database, name: str = "upstream", currency: str = "USD") -> ProviderConnection:
    async with db.transaction() as session:
        connection = ProviderConnection(
            name=name,
            adapter_key="smmv2",
            base_url="http://x/api/v2",
            api_key="k",
            currency=currency,
            settings={},
        )
        session.add(connection)
    return connection


async def sync(db: Database, connection: ProviderConnection, infos: list[ProviderServiceInfo]) -> None:
    async with db.transaction() as session:
        await sync_provider_catalog(session, connection, infos, CONFIG)


async def service_by_source(db: Database, external_id: str) -> Service:
    async with db.transaction() as session:
        service = await session.scalar(
            select(Service)
            .join(ProviderService, ProviderService.id == Service.source_provider_service_id)
            .where(ProviderService.external_id == external_id)
        )
    assert service is not None
    return service


async def test_import_prices_with_markup_and_is_idempotent(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "0.90"), info("2", "2.00", category="TikTok")])
    async with db.transaction() as session:
        created = await import_services(
            session, connection, CONFIG, markup_percent="50", category="Instagram"
        )
        again = await import_services(session, connection, CONFIG)
    assert [s.name for s in created] == ["Followers 1"]
    assert [s.name for s in again] == ["Followers 2"]  # only what was not imported yet
    first = await service_by_source(db, "1")
    assert first.rate == D("1.350000")
    assert first.type == "Default"  # normalised from "default"
    assert (first.min_quantity, first.max_quantity, first.refill) == (10, 10000, True)
    second = await service_by_source(db, "2")
    assert second.rate == D("2.600000")  # default markup 30%
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_rate_raise_reprices_and_is_logged(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00")])
    async with db.transaction() as session:
        await import_services(session, connection, CONFIG, markup_percent="20")
    await sync(db, connection, [info("1", "1.50", max=5000)])
    service = await service_by_source(db, "1")
    assert service.rate == D("1.800000")
    assert service.max_quantity == 5000
    async with db.transaction() as session:
        kinds = {(c.kind, c.old_value, c.new_value) for c in await session.scalars(select(CatalogChange))}
    assert ("rate", "1.000000", "1.500000") in kinds
    assert ("max_quantity", "10000", "5000") in kinds
    assert ("sell_rate", "1.200000", "1.800000") in kinds


async def test_removed_service_disables_and_restored_service_returns(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00"), info("2", "1.00")])
    async with db.transaction() as session:
        await import_services(session, connection, CONFIG)
    await sync(db, connection, [info("2", "1.00")])
    gone = await service_by_source(db, "1")
    assert not gone.enabled
    assert gone.disabled_reason == NO_LIVE_ROUTE
    assert (await service_by_source(db, "2")).enabled
    async with db.transaction() as session:
        assert await check_invariants(session) == []
    await sync(db, connection, [info("1", "1.00"), info("2", "1.00")])
    back = await service_by_source(db, "1")
    assert back.enabled
    assert back.disabled_reason is None


async def test_admin_disabled_service_stays_disabled(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00")])
    async with db.transaction() as session:
        (created,) = await import_services(session, connection, CONFIG)
        created.enabled = False
    await sync(db, connection, [info("1", "2.00")])
    service = await service_by_source(db, "1")
    assert not service.enabled
    assert service.disabled_reason is None


async def test_margin_guard_disables_a_pinned_price_below_cost(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00")])
    async with db.transaction() as session:
        (service,) = await import_services(session, connection, CONFIG)
        service.pinned_rate = D("1.10")
    await sync(db, connection, [info("1", "1.00")])
    assert (await service_by_source(db, "1")).enabled
    await sync(db, connection, [info("1", "1.20")])
    guarded = await service_by_source(db, "1")
    assert not guarded.enabled
    assert guarded.disabled_reason == BELOW_COST
    assert guarded.rate == D("1.100000")
    await sync(db, connection, [info("1", "1.05")])
    assert (await service_by_source(db, "1")).enabled


async def test_foreign_currency_needs_an_exchange_rate(db: Database) -> None:
    connection = await provider(db, currency="EUR")
    await sync(db, connection, [info("1", "1.00")])
    async with db.transaction() as session:
        await import_services(session, connection, CONFIG, markup_percent="0")
    assert (await service_by_source(db, "1")).disabled_reason == NO_EXCHANGE_RATE + "EUR"
    async with db.transaction() as session:
        await set_exchange_rate(session, "EUR", "1.1", panel_currency="USD")
    await sync(db, connection, [info("1", "1.00")])
    service = await service_by_source(db, "1")
    assert service.enabled
    assert service.rate == D("1.100000")


async def test_overridden_fields_are_not_followed(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00")])
    async with db.transaction() as session:
        (service,) = await import_services(session, connection, CONFIG)
        service.name = "Premium followers"
        service.overridden_fields = ["name"]
    await sync(db, connection, [info("1", "1.00", name="Renamed upstream", min=50)])
    followed = await service_by_source(db, "1")
    assert followed.name == "Premium followers"
    assert followed.min_quantity == 50


async def test_routes_and_cheapest_first_pricing(db: Database) -> None:
    first = await provider(db, "alpha")
    second = await provider(db, "beta")
    await sync(db, first, [info("1", "2.00")])
    await sync(db, second, [info("9", "1.00")])
    async with db.transaction() as session:
        (service,) = await import_services(session, first, CONFIG, markup_percent="0")
        await add_route(
            session, CONFIG, service_id=service.id, provider_name="beta", external_id="9", priority=5
        )
        with pytest.raises(Conflict):
            await add_route(session, CONFIG, service_id=service.id, provider_name="beta", external_id="9")
        with pytest.raises(NotFound):
            await add_route(session, CONFIG, service_id=service.id, provider_name="beta", external_id="404")
        with pytest.raises(NotFound):
            await add_route(session, CONFIG, service_id=999, provider_name="beta", external_id="9")
    assert (await service_by_source(db, "1")).rate == D("2.000000")  # priced from the first-priority route
    async with db.transaction() as session:
        assert len(list(await session.scalars(select(ServiceRoute)))) == 2
        stored = await session.get(Service, service.id)
        assert stored is not None
        stored.routing_policy = "cheapest"  # type: ignore[assignment]
    await sync(db, first, [info("1", "2.00")])
    assert (await service_by_source(db, "1")).rate == D("1.000000")


async def test_import_unknown_ids_is_an_error_and_changes_nothing(db: Database) -> None:
    connection = await provider(db)
    await sync(db, connection, [info("1", "1.00")])
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await import_services(session, connection, CONFIG, external_ids=["1", "77"])
    async with db.transaction() as session:
        assert list(await session.scalars(select(Service))) == []
