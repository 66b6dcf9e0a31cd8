"""Fetching a provider's catalog and applying it: the catalog sync the workers and `panel catalog sync` run.

The provider is called outside any transaction (a slow provider must not hold database locks); what it
returned is then applied in one transaction by `service.sync_provider_catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import ProviderService
from core.catalog.pricing import PricingConfig
from core.catalog.service import SyncReport, sync_provider_catalog
from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.errors import NotFound
from core.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CatalogSyncResult:
    """One provider's catalog sync: its report, or the error that stopped it (nothing changed then)."""

    provider_id: int
    name: str
    report: SyncReport | None
    error: str | None = None


async def sync_catalog(
    db: Database, adapters: AdapterFactory, provider_id: int, settings: Settings
) -> CatalogSyncResult:
    """Fetch one provider's catalog and apply it.

    Provider errors are reported, not raised: a provider that cannot answer now keeps its stored catalog.
    So does one that answers with an empty catalog while services of it are listed here: a panel's
    hiccup (`{"data": "Empty Data"}`) must not disable every service routed to it.
    """
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, provider_id)
        if connection is None:
            raise NotFound(f"unknown provider id {provider_id}")
    try:
        infos = await adapters.for_connection(connection).services()
    except Exception as exc:  # provider or adapter failure: keep what we have
        log.warning("catalog_sync_failed", provider=connection.name, error=str(exc))
        return CatalogSyncResult(provider_id, connection.name, None, f"{type(exc).__name__}: {exc}")
    async with db.transaction() as session:
        fresh = await session.get(ProviderConnection, provider_id)
        if fresh is None:
            raise NotFound(f"unknown provider id {provider_id}")
        if not infos and await _lists_services(session, provider_id):
            log.warning("catalog_sync_empty_answer", provider=connection.name)
            return CatalogSyncResult(
                provider_id,
                connection.name,
                None,
                "the provider returned an empty catalog; kept the stored one",
            )
        report = await sync_provider_catalog(session, fresh, infos, PricingConfig.from_settings(settings))
    return CatalogSyncResult(provider_id, connection.name, report)


async def _lists_services(session: AsyncSession, provider_id: int) -> bool:
    live = await session.scalar(
        select(ProviderService.id)
        .where(ProviderService.provider_id == provider_id, ProviderService.removed_at.is_(None))
        .limit(1)
    )
    return live is not None


async def provider_ids(db: Database, *, name: str | None = None, enabled_only: bool = True) -> list[int]:
    """Ids of the providers to work on: the one named, or every (enabled) provider."""
    async with db.transaction() as session:
        query = select(ProviderConnection.id).order_by(ProviderConnection.name)
        if name is not None:
            query = query.where(ProviderConnection.name == name)
        elif enabled_only:
            query = query.where(ProviderConnection.enabled.is_(True))
        ids = list(await session.scalars(query))
    if name is not None and not ids:
        raise NotFound(f"unknown provider {name!r}")
    return ids
