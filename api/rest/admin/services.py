"""Admin: the services the panel sells, their routes and their order, and the catalog change log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from api.rest.admin.schemas import AdminServiceOut, RouteOut, admin_service_out, route_out
from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import MULTI_LINE, Id, PathId, Percent, QueryId, QueryText, Rate, text
from core.catalog import admin as catalog_admin
from core.catalog import browse, routing
from core.catalog.models import CatalogChange, RoutingPolicy
from core.catalog.routing import MAX_PRIORITY
from core.pagination import MAX_PAGE_SIZE, PageRequest, page_of

Priority = Annotated[int, msgspec.Meta(ge=0, le=MAX_PRIORITY)]
Quantity = Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]
FieldName = Annotated[str, text(40, min_length=1)]
Description = Annotated[str, msgspec.Meta(max_length=10_000, pattern=MULTI_LINE)]


class CreateServiceIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new service fulfilled by these provider services, tried in the order listed; the first is the
    source the service follows at each catalog sync. Optional fields override the provider's values."""

    provider_service_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=20)]
    name: Annotated[str, text(500, min_length=1)] | None = None
    category: Annotated[str, text(300)] | None = None
    description: Description | None = None
    routing_policy: RoutingPolicy | None = None
    pinned_rate: Rate | None = None
    markup_percent: Percent | None = None


class UpdateServiceIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Fields to change; absent fields stay. Editing a field the service follows from its provider
    service records it as overridden; `reset` lists fields to follow the provider again.
    `pinned_rate: null` unpins the price; `description: null` clears it."""

    name: Annotated[str, text(500, min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    category: Annotated[str, text(300)] | msgspec.UnsetType = msgspec.UNSET
    type: Annotated[str, text(100, min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType | None = msgspec.UNSET
    min_quantity: Quantity | msgspec.UnsetType = msgspec.UNSET
    max_quantity: Quantity | msgspec.UnsetType = msgspec.UNSET
    refill: bool | msgspec.UnsetType = msgspec.UNSET
    cancel: bool | msgspec.UnsetType = msgspec.UNSET
    dripfeed: bool | msgspec.UnsetType = msgspec.UNSET
    pinned_rate: Rate | msgspec.UnsetType | None = msgspec.UNSET
    routing_policy: RoutingPolicy | msgspec.UnsetType = msgspec.UNSET
    reset: Annotated[list[FieldName], msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> catalog_admin.ServiceChanges:
        """The edit as the catalog use case takes it."""
        values: dict[str, object] = {}
        for name in self.__struct_fields__:
            value: Any = getattr(self, name)
            if name != "reset" and value is not msgspec.UNSET:
                values[name] = value.value if isinstance(value, RoutingPolicy) else value
        reset = () if self.reset is msgspec.UNSET else tuple(self.reset)
        return catalog_admin.ServiceChanges(values=values, reset=reset)


class ServiceDetailOut(msgspec.Struct, frozen=True):
    """A service with its routes in dispatch order."""

    service: AdminServiceOut
    routes: list[RouteOut]


class AddRouteIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One more provider service for the service (of the same type); last unless `priority` is given."""

    provider_service_id: Id
    priority: Priority | None = None


class UpdateRouteIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A route's new priority (lower first) or enabled flag; absent fields stay."""

    priority: Priority | None = None
    enabled: FromQuery[bool | None] = None


class RouteOrderIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Every route of the service, in the order dispatch should try them."""

    route_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=20)]


class CatalogChangeOut(msgspec.Struct, frozen=True):
    """One logged catalog change: a provider's catalog moving, a price, or an admin's edit."""

    id: int
    kind: str
    provider_id: int | None
    provider_service_id: int | None
    service_id: int | None
    old_value: str | None
    new_value: str | None
    created_at: datetime


def change_out(change: CatalogChange) -> CatalogChangeOut:
    """The admin schema of a catalog change."""
    return CatalogChangeOut(
        id=change.id,
        kind=change.kind,
        provider_id=change.provider_id,
        provider_service_id=change.provider_service_id,
        service_id=change.service_id,
        old_value=change.old_value,
        new_value=change.new_value,
        created_at=change.created_at,
    )


async def _route(session: Any, service_id: int, route_id: int) -> RouteOut:
    views = await routing.list_routes(session, service_id)
    return route_out(next(view for view in views if view.id == route_id))


class ServicesController(Controller):
    """Services: create from provider services, edit, enable/disable, route."""

    path = "/services"
    tags = ["admin: services"]
    dependencies = {"paging": PAGE}

    @get("/", operation_id="adminListServices", responses=ERROR_RESPONSES)
    async def list_services(
        self,
        ctx: NamedDependency[RestContext],
        paging: NamedDependency[PageRequest],
        enabled: FromQuery[bool | None] = None,
        category: QueryText = None,
        search: QueryText = None,
        provider_id: QueryId = None,
    ) -> PageOut[AdminServiceOut]:
        """Every service by id, on sale or not; `provider_id` keeps those routed to that provider."""
        where = browse.ServiceFilter(enabled, category, search, provider_id)
        async with ctx.db.transaction() as session:
            return page_out(await browse.services_page(session, paging, where), admin_service_out)

    @post("/", operation_id="adminCreateService", status_code=201, responses=ERROR_RESPONSES)
    async def create_service(
        self, ctx: NamedDependency[RestContext], data: JSONBody[CreateServiceIn]
    ) -> AdminServiceOut:
        """Create a service from provider services (see the body); it is priced and put on sale at once
        unless the catalog rules say otherwise (no exchange rate, below cost)."""
        overrides: dict[str, object] = {
            name: getattr(data, name)
            for name in ("name", "category", "description", "pinned_rate")
            if getattr(data, name) is not None
        }
        if data.routing_policy is not None:
            overrides["routing_policy"] = data.routing_policy.value
        async with ctx.db.transaction() as session:
            service = await catalog_admin.create_service(
                session,
                ctx.pricing,
                provider_service_ids=data.provider_service_ids,
                overrides=overrides,
                markup_percent=data.markup_percent,
            )
            return admin_service_out(service)

    @get("/{service_id:int}", operation_id="adminGetService", responses=ERROR_RESPONSES)
    async def get_service(self, ctx: NamedDependency[RestContext], service_id: PathId) -> ServiceDetailOut:
        """One service with its routes."""
        async with ctx.db.transaction() as session:
            service = await catalog_admin.service_by_id(session, service_id)
            routes = await routing.list_routes(session, service_id)
            return ServiceDetailOut(admin_service_out(service), [route_out(view) for view in routes])

    @patch("/{service_id:int}", operation_id="adminUpdateService", responses=ERROR_RESPONSES)
    async def update_service(
        self, ctx: NamedDependency[RestContext], service_id: PathId, data: JSONBody[UpdateServiceIn]
    ) -> AdminServiceOut:
        """Edit a service; it is repriced at once."""
        async with ctx.db.transaction() as session:
            service = await catalog_admin.update_service(session, ctx.pricing, service_id, data.changes())
            return admin_service_out(service)

    @post(
        "/{service_id:int}/enable",
        operation_id="adminEnableService",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def enable_service(self, ctx: NamedDependency[RestContext], service_id: PathId) -> AdminServiceOut:
        """Put a service on sale; 409 with the reason when the catalog rules keep it off."""
        async with ctx.db.transaction() as session:
            return admin_service_out(
                await catalog_admin.set_service_enabled(session, ctx.pricing, service_id, True)
            )

    @post(
        "/{service_id:int}/disable",
        operation_id="adminDisableService",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def disable_service(self, ctx: NamedDependency[RestContext], service_id: PathId) -> AdminServiceOut:
        """Take a service off sale; it stays off until an admin enables it."""
        async with ctx.db.transaction() as session:
            return admin_service_out(
                await catalog_admin.set_service_enabled(session, ctx.pricing, service_id, False)
            )

    @get("/{service_id:int}/routes", operation_id="adminListRoutes", responses=ERROR_RESPONSES)
    async def list_routes(
        self, ctx: NamedDependency[RestContext], service_id: PathId, paging: NamedDependency[PageRequest]
    ) -> PageOut[RouteOut]:
        """The service's routes in dispatch order."""
        async with ctx.db.transaction() as session:
            routes = await routing.list_routes(session, service_id)
        return page_out(page_of(routes, paging), route_out)

    @post(
        "/{service_id:int}/routes", operation_id="adminAddRoute", status_code=201, responses=ERROR_RESPONSES
    )
    async def add_route(
        self, ctx: NamedDependency[RestContext], service_id: PathId, data: JSONBody[AddRouteIn]
    ) -> RouteOut:
        """Route the service to one more provider service."""
        async with ctx.db.transaction() as session:
            route = await routing.add_route(
                session, ctx.pricing, service_id, data.provider_service_id, priority=data.priority
            )
            return await _route(session, service_id, route.id)

    @put("/{service_id:int}/routes/order", operation_id="adminReorderRoutes", responses=ERROR_RESPONSES)
    async def reorder_routes(
        self, ctx: NamedDependency[RestContext], service_id: PathId, data: JSONBody[RouteOrderIn]
    ) -> PageOut[RouteOut]:
        """Set the order dispatch tries the routes in (priorities 0, 1, 2...)."""
        async with ctx.db.transaction() as session:
            routes = await routing.reorder_routes(session, ctx.pricing, service_id, data.route_ids)
        return page_out(page_of(routes, PageRequest(1, MAX_PAGE_SIZE)), route_out)

    @patch(
        "/{service_id:int}/routes/{route_id:int}", operation_id="adminUpdateRoute", responses=ERROR_RESPONSES
    )
    async def update_route(
        self,
        ctx: NamedDependency[RestContext],
        service_id: PathId,
        route_id: PathId,
        data: JSONBody[UpdateRouteIn],
    ) -> RouteOut:
        """Change a route's priority, or take it out of dispatch (`enabled: false`) and back."""
        async with ctx.db.transaction() as session:
            await routing.update_route(
                session, ctx.pricing, service_id, route_id, priority=data.priority, enabled=data.enabled
            )
            return await _route(session, service_id, route_id)

    @delete(
        "/{service_id:int}/routes/{route_id:int}", operation_id="adminDeleteRoute", responses=ERROR_RESPONSES
    )
    async def delete_route(
        self, ctx: NamedDependency[RestContext], service_id: PathId, route_id: PathId
    ) -> None:
        """Remove a route; a service left without a live route goes off sale until it has one."""
        async with ctx.db.transaction() as session:
            await routing.remove_route(session, ctx.pricing, service_id, route_id)


class CatalogChangesController(Controller):
    """The catalog change log."""

    path = "/catalog-changes"
    tags = ["admin: services"]
    dependencies = {"paging": PAGE}

    @get("/", operation_id="adminListCatalogChanges", responses=ERROR_RESPONSES)
    async def list_changes(
        self,
        ctx: NamedDependency[RestContext],
        paging: NamedDependency[PageRequest],
        provider_id: QueryId = None,
        service_id: QueryId = None,
        provider_service_id: QueryId = None,
        kind: QueryText = None,
    ) -> PageOut[CatalogChangeOut]:
        """Catalog changes, newest first: provider catalog moves, sell-rate changes, admin edits."""
        where = browse.ChangeFilter(provider_id, service_id, provider_service_id, kind)
        async with ctx.db.transaction() as session:
            return page_out(await browse.changes_page(session, paging, where), change_out)
