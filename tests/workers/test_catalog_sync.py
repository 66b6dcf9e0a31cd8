"""Catalog sync against a fake provider: a raised rate reprices, a removed service is disabled."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.catalog.models import CatalogChange, Service
from core.catalog.sync import sync_catalog
from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.workers.builders import add_provider, import_service

D = Decimal


async def _service(db: Database, service_id: int) -> Service:
    async with db.transaction() as session:
        service = await session.get(Service, service_id)
        assert service is not None
        return service


async def test_a_raised_rate_reprices_and_a_removed_service_is_disabled(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    followers = await import_service(db, settings, provider, "1", markup="50")
    likes = await import_service(db, settings, provider, "3", markup="50")
    assert followers.rate == D("1.35")  # 0.90 × 1.5

    fake.control.set_rate("1", "1.20")
    fake.control.remove_service("3")
    result = await sync_catalog(db, adapters, provider.id, settings)

    assert result.error is None
    assert result.report is not None
    assert (result.report.changed, result.report.removed) == (1, 1)
    repriced = await _service(db, followers.id)
    assert repriced.rate == D("1.8")  # follows the provider: 1.20 × 1.5
    assert repriced.enabled
    gone = await _service(db, likes.id)
    assert not gone.enabled
    assert gone.disabled_reason == "no live route"
    async with db.transaction() as session:
        kinds = set(await session.scalars(select(CatalogChange.kind)))
    assert {"rate", "removed", "sell_rate", "service_disabled"} <= kinds


async def test_a_provider_that_fails_or_answers_empty_keeps_its_catalog(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")

    fake.control.set_faults(http_500=True)
    failed = await sync_catalog(db, adapters, provider.id, settings)
    fake.control.clear_faults()
    for external_id in _catalog_ids(fake):
        fake.control.remove_service(external_id)
    empty = await sync_catalog(db, adapters, provider.id, settings)

    assert failed.report is None
    assert failed.error is not None
    assert empty.report is None
    assert empty.error == "the provider returned an empty catalog; kept the stored one"
    assert (await _service(db, service.id)).enabled


def _catalog_ids(fake: FakeProviderHandle) -> list[str]:
    with fake.control.lock:
        return list(fake.control.book.catalog)
