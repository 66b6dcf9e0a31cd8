"""What the admin browses in the catalog: services, provider catalogs and the catalog change log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from core.catalog.models import CatalogChange, ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection
from core.errors import NotFound
from core.pagination import Page, PageRequest, paginate


def _contains(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """A case-insensitive substring match; LIKE wildcards in the text match themselves."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


@dataclass(frozen=True)
class ServiceFilter:
    """Optional filters of the admin's service list."""

    enabled: bool | None = None
    category: str | None = None
    search: str | None = None
    provider_id: int | None = None


async def services_page(session: AsyncSession, request: PageRequest, where: ServiceFilter) -> Page[Service]:
    """Services by id, filtered; `provider_id` keeps services with a route to that provider."""
    query: Select[Service] = select(Service).order_by(Service.id)
    if where.enabled is not None:
        query = query.where(Service.enabled.is_(where.enabled))
    if where.category is not None:
        query = query.where(Service.category == where.category)
    if where.search:
        query = query.where(_contains(Service.name, where.search))
    if where.provider_id is not None:
        routed = (
            select(ServiceRoute.service_id)
            .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
            .where(ProviderService.provider_id == where.provider_id)
        )
        query = query.where(Service.id.in_(routed))
    return await paginate(session, query, request)


@dataclass(frozen=True)
class ProviderServiceFilter:
    """Optional filters of a provider's catalog."""

    category: str | None = None
    search: str | None = None
    include_removed: bool = False


async def provider_services_page(
    session: AsyncSession, provider_id: int, request: PageRequest, where: ProviderServiceFilter
) -> Page[ProviderService]:
    """One provider's catalog as last synced, by id; removed entries only when asked for."""
    if await session.get(ProviderConnection, provider_id) is None:
        raise NotFound(f"unknown provider {provider_id}")
    query = (
        select(ProviderService).where(ProviderService.provider_id == provider_id).order_by(ProviderService.id)
    )
    if not where.include_removed:
        query = query.where(ProviderService.removed_at.is_(None))
    if where.category is not None:
        query = query.where(ProviderService.category == where.category)
    if where.search:
        query = query.where(_contains(ProviderService.name, where.search))
    return await paginate(session, query, request)


@dataclass(frozen=True)
class ChangeFilter:
    """Optional filters of the catalog change log."""

    provider_id: int | None = None
    service_id: int | None = None
    provider_service_id: int | None = None
    kind: str | None = None


async def changes_page(
    session: AsyncSession, request: PageRequest, where: ChangeFilter
) -> Page[CatalogChange]:
    """The catalog change log, newest first."""
    query = select(CatalogChange).order_by(CatalogChange.id.desc())
    if where.provider_id is not None:
        query = query.where(CatalogChange.provider_id == where.provider_id)
    if where.service_id is not None:
        query = query.where(CatalogChange.service_id == where.service_id)
    if where.provider_service_id is not None:
        query = query.where(CatalogChange.provider_service_id == where.provider_service_id)
    if where.kind is not None:
        query = query.where(CatalogChange.kind == where.kind)
    return await paginate(session, query, request)
