"""SQL for the catalog: provider services, panel services and their live routes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection


@dataclass(frozen=True)
class LiveRoute:
    """A route that dispatch may use now: enabled, its provider service listed, its provider enabled."""

    route_id: int
    service_id: int
    priority: int
    provider_id: int
    provider_name: str
    provider_currency: str
    provider_service_id: int
    external_id: str
    provider_rate: Decimal


async def provider_services_of(session: AsyncSession, provider_id: int) -> dict[str, ProviderService]:
    """A provider's catalog rows (removed ones included) by external id."""
    rows = await session.scalars(select(ProviderService).where(ProviderService.provider_id == provider_id))
    return {row.external_id: row for row in rows}


async def live_routes(session: AsyncSession, service_ids: Iterable[int]) -> dict[int, list[LiveRoute]]:
    """The live routes of each service, in priority order (ties by route id)."""
    ids = list(service_ids)
    result: dict[int, list[LiveRoute]] = {service_id: [] for service_id in ids}
    if not ids:
        return result
    rows = await session.execute(
        select(
            ServiceRoute.id,
            ServiceRoute.service_id,
            ServiceRoute.priority,
            ProviderConnection.id,
            ProviderConnection.name,
            ProviderConnection.currency,
            ProviderService.id,
            ProviderService.external_id,
            ProviderService.rate,
        )
        .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
        .join(ProviderConnection, ProviderConnection.id == ProviderService.provider_id)
        .where(
            ServiceRoute.service_id.in_(ids),
            ServiceRoute.enabled.is_(True),
            ProviderService.removed_at.is_(None),
            ProviderConnection.enabled.is_(True),
        )
        .order_by(ServiceRoute.service_id, ServiceRoute.priority, ServiceRoute.id)
    )
    for row in rows:
        result[row[1]].append(LiveRoute(*row))
    return result


async def services_routed_to(session: AsyncSession, provider_id: int) -> list[int]:
    """Ids of panel services with any route (live or not) to one of the provider's services."""
    rows = await session.scalars(
        select(ServiceRoute.service_id)
        .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
        .where(ProviderService.provider_id == provider_id)
        .distinct()
    )
    return list(rows)


async def services_by_ids(session: AsyncSession, service_ids: Iterable[int]) -> list[Service]:
    """Panel services by id, ordered."""
    ids = list(service_ids)
    if not ids:
        return []
    return list(await session.scalars(select(Service).where(Service.id.in_(ids)).order_by(Service.id)))


async def services_sourced_from(session: AsyncSession, provider_service_ids: Iterable[int]) -> list[Service]:
    """Panel services imported from (and following) the given provider services."""
    ids = list(provider_service_ids)
    if not ids:
        return []
    return list(await session.scalars(select(Service).where(Service.source_provider_service_id.in_(ids))))
