"""A service's routes as the reseller manages them: list, add, change, remove and reorder.

Lower priority numbers are tried first (or the cheapest first, by the service's routing policy). Every
change reprices the service, since its primary route, and so its cost, may have changed; a service left
without a live route is disabled by the catalog rules until it has one again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.admin import MAX_ROUTES_PER_SERVICE, check_same_type, provider_service_by_id, service_by_id
from core.catalog.models import CatalogChange, ProviderService, ServiceRoute
from core.catalog.pricing import PricingConfig, reprice_services
from core.connections.models import ProviderConnection
from core.errors import Conflict, InvalidInput, NotFound

MAX_PRIORITY = 1_000_000


@dataclass(frozen=True)
class RouteView:
    """A route with what the admin needs to judge it: the provider service, its provider, and liveness."""

    id: int
    service_id: int
    priority: int
    enabled: bool
    live: bool
    provider_id: int
    provider_name: str
    provider_currency: str
    provider_enabled: bool
    provider_service_id: int
    external_id: str
    provider_service_name: str
    provider_rate: Decimal
    provider_service_removed: bool
    created_at: datetime


def _priority(value: int) -> int:
    if not 0 <= value <= MAX_PRIORITY:
        raise InvalidInput(f"priority must be between 0 and {MAX_PRIORITY}")
    return value


def _log(session: AsyncSession, route: ServiceRoute, kind: str, old: object, new: object) -> None:
    session.add(
        CatalogChange(
            service_id=route.service_id,
            provider_service_id=route.provider_service_id,
            kind=kind,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
        )
    )


async def list_routes(session: AsyncSession, service_id: int) -> list[RouteView]:
    """The service's routes in dispatch order (priority, then id), live or not."""
    await service_by_id(session, service_id)
    rows = await session.execute(
        select(ServiceRoute, ProviderService, ProviderConnection)
        .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
        .join(ProviderConnection, ProviderConnection.id == ProviderService.provider_id)
        .where(ServiceRoute.service_id == service_id)
        .order_by(ServiceRoute.priority, ServiceRoute.id)
    )
    return [
        RouteView(
            id=route.id,
            service_id=route.service_id,
            priority=route.priority,
            enabled=route.enabled,
            live=route.enabled and row.removed_at is None and connection.enabled,
            provider_id=connection.id,
            provider_name=connection.name,
            provider_currency=connection.currency,
            provider_enabled=connection.enabled,
            provider_service_id=row.id,
            external_id=row.external_id,
            provider_service_name=row.name,
            provider_rate=row.rate,
            provider_service_removed=row.removed_at is not None,
            created_at=route.created_at,
        )
        for route, row, connection in rows
    ]


async def route_of(session: AsyncSession, service_id: int, route_id: int) -> ServiceRoute:
    """A route of this service; a route of another service is NotFound too."""
    route = await session.get(ServiceRoute, route_id)
    if route is None or route.service_id != service_id:
        raise NotFound(f"service {service_id} has no route {route_id}")
    return route


async def add_route(
    session: AsyncSession,
    config: PricingConfig,
    service_id: int,
    provider_service_id: int,
    *,
    priority: int | None = None,
) -> ServiceRoute:
    """Route the service to one more provider service of the same type (last, unless `priority` is given)."""
    service = await service_by_id(session, service_id)
    row = await provider_service_by_id(session, provider_service_id)
    check_same_type(service.type, row)
    count, highest = (
        await session.execute(
            select(func.count(), func.max(ServiceRoute.priority)).where(ServiceRoute.service_id == service_id)
        )
    ).one()
    if count >= MAX_ROUTES_PER_SERVICE:
        raise Conflict(f"service {service_id} already has {MAX_ROUTES_PER_SERVICE} routes")
    chosen = _priority(priority) if priority is not None else min((highest or 0) + 1, MAX_PRIORITY)
    route = ServiceRoute(service_id=service_id, provider_service_id=row.id, priority=chosen, enabled=True)
    try:
        async with session.begin_nested():
            session.add(route)
            await session.flush()
    except IntegrityError:
        raise Conflict(f"service {service_id} already routes to provider service {row.id}") from None
    _log(session, route, "route_added", None, f"priority {chosen}")
    await session.flush()
    await reprice_services(session, [service_id], config)
    return route


async def update_route(
    session: AsyncSession,
    config: PricingConfig,
    service_id: int,
    route_id: int,
    *,
    priority: int | None = None,
    enabled: bool | None = None,
) -> ServiceRoute:
    """Change a route's priority or take it out of (or back into) dispatch."""
    route = await route_of(session, service_id, route_id)
    if priority is not None and priority != route.priority:
        _log(session, route, "route_priority", route.priority, _priority(priority))
        route.priority = priority
    if enabled is not None and enabled != route.enabled:
        _log(session, route, "route_enabled", route.enabled, enabled)
        route.enabled = enabled
    await session.flush()
    await reprice_services(session, [service_id], config)
    return route


async def remove_route(session: AsyncSession, config: PricingConfig, service_id: int, route_id: int) -> None:
    """Delete a route; orders placed through it keep their provider and cost (their route id is cleared)."""
    route = await route_of(session, service_id, route_id)
    _log(session, route, "route_removed", f"priority {route.priority}", None)
    await session.delete(route)
    await session.flush()
    await reprice_services(session, [service_id], config)


async def reorder_routes(
    session: AsyncSession, config: PricingConfig, service_id: int, route_ids: Sequence[int]
) -> list[RouteView]:
    """Give the routes priorities 0, 1, 2... in the order listed; the list must name every route once."""
    await service_by_id(session, service_id)
    routes = {
        route.id: route
        for route in await session.scalars(select(ServiceRoute).where(ServiceRoute.service_id == service_id))
    }
    if len(route_ids) != len(set(route_ids)) or set(route_ids) != set(routes):
        raise InvalidInput(f"list each of the service's routes exactly once: {sorted(routes)}")
    for priority, route_id in enumerate(route_ids):
        route = routes[route_id]
        if route.priority != priority:
            _log(session, route, "route_priority", route.priority, priority)
            route.priority = priority
    await session.flush()
    await reprice_services(session, [service_id], config)
    return await list_routes(session, service_id)
