"""Admin: provider connections (create, edit, enable/disable, test, balance, catalog sync and import)
and the provider catalogs they list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from api.rest.admin.schemas import (
    AdminServiceOut,
    ProviderServiceOut,
    admin_service_out,
    provider_service_out,
)
from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import PathId, Percent, QueryText, optional_amount, text
from core.catalog import browse
from core.catalog.admin import provider_service_by_id
from core.catalog.service import import_services
from core.catalog.sync import sync_catalog
from core.connections import admin as connections_admin
from core.connections import service as connections
from core.connections.balance import check_balance
from core.connections.models import ProviderConnection
from core.pagination import PageRequest, page_of

Url = Annotated[str, text(2000, min_length=1)]
Secret = Annotated[str, text(500, min_length=1)]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{3}$")]
ProviderName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
AdapterKey = Annotated[str, text(64, min_length=1)]
ExternalId = Annotated[str, text(100, min_length=1)]


class AdapterOut(msgspec.Struct, frozen=True):
    """An installed provider adapter and what it can do."""

    key: str
    plugin: str
    version: str
    refill: bool
    cancel: bool
    dripfeed: bool


class ProviderOut(msgspec.Struct, frozen=True):
    """A provider connection. Its API key is write-only: it is never shown."""

    id: int
    name: str
    adapter: str
    base_url: str
    currency: str
    enabled: bool
    settings: dict[str, Any]
    balance: str | None
    balance_currency: str | None
    balance_checked_at: datetime | None
    created_at: datetime


class CreateProviderIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new provider connection; `base_url` defaults to the adapter's, `currency` to the panel's."""

    name: ProviderName
    adapter: AdapterKey
    api_key: Secret
    base_url: Url | None = None
    currency: Currency | None = None
    settings: dict[str, Any] | None = None


class UpdateProviderIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Fields to change; absent fields stay. `enabled: false` takes the provider out of dispatch."""

    base_url: Url | None = None
    api_key: Secret | None = None
    currency: Currency | None = None
    settings: dict[str, Any] | None = None
    enabled: FromQuery[bool | None] = None


class ConnectionTestOut(msgspec.Struct, frozen=True):
    """The outcome of calling the provider's balance and services now (nothing is stored)."""

    provider_id: int
    ok: bool
    elapsed_ms: int
    balance: str | None
    currency: str | None
    services: int | None
    error: str | None


class BalanceOut(msgspec.Struct, frozen=True):
    """The provider's balance as now stored; `error` says why the check failed (the last reading stays)."""

    provider_id: int
    balance: str | None
    currency: str | None
    checked_at: datetime | None
    error: str | None


class SyncOut(msgspec.Struct, frozen=True):
    """What a catalog sync did, or why it did nothing."""

    provider_id: int
    ok: bool
    error: str | None
    new: int
    changed: int
    removed: int
    restored: int
    unchanged: int
    repriced_services: list[int]


class ImportIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Which provider services to put on sale (all listed ones by default), and their markup."""

    external_ids: Annotated[list[ExternalId], msgspec.Meta(max_length=1000)] | None = None
    category: Annotated[str, text(300)] | None = None
    markup_percent: Percent | None = None


class ImportOut(msgspec.Struct, frozen=True):
    """The services an import created (provider services already on sale are skipped)."""

    services: list[AdminServiceOut]


def provider_out(connection: ProviderConnection) -> ProviderOut:
    """The admin schema of a provider connection (never its key)."""
    return ProviderOut(
        id=connection.id,
        name=connection.name,
        adapter=connection.adapter_key,
        base_url=connection.base_url,
        currency=connection.currency,
        enabled=connection.enabled,
        settings=dict(connection.settings or {}),
        balance=optional_amount(connection.balance),
        balance_currency=connection.balance_currency,
        balance_checked_at=connection.balance_checked_at,
        created_at=connection.created_at,
    )


class ProvidersController(Controller):
    """Upstream provider connections."""

    path = "/providers"
    tags = ["admin: providers"]
    dependencies = {"paging": PAGE}

    @get("/", operation_id="adminListProviders", responses=ERROR_RESPONSES)
    async def list_providers(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[ProviderOut]:
        """Provider connections by name."""
        async with ctx.db.transaction() as session:
            return page_out(await connections_admin.providers_page(session, paging), provider_out)

    @post("/", operation_id="adminCreateProvider", status_code=201, responses=ERROR_RESPONSES)
    async def create_provider(
        self, ctx: NamedDependency[RestContext], data: JSONBody[CreateProviderIn]
    ) -> ProviderOut:
        """Connect an upstream provider through an installed adapter."""
        async with ctx.db.transaction() as session:
            connection = await connections.add_provider(
                session,
                ctx.upstream.catalog(),
                name=data.name,
                adapter_key=data.adapter,
                base_url=data.base_url,
                api_key=data.api_key,
                currency=data.currency or ctx.settings.currency,
                settings=data.settings,
            )
            return provider_out(connection)

    @get("/{provider_id:int}", operation_id="adminGetProvider", responses=ERROR_RESPONSES)
    async def get_provider(self, ctx: NamedDependency[RestContext], provider_id: PathId) -> ProviderOut:
        """One provider connection."""
        async with ctx.db.transaction() as session:
            return provider_out(await connections_admin.provider_by_id(session, provider_id))

    @patch("/{provider_id:int}", operation_id="adminUpdateProvider", responses=ERROR_RESPONSES)
    async def update_provider(
        self, ctx: NamedDependency[RestContext], provider_id: PathId, data: JSONBody[UpdateProviderIn]
    ) -> ProviderOut:
        """Edit a connection; disabling it (or changing its currency) reprices the services routed to it."""
        changes = {
            name: getattr(data, name) for name in data.__struct_fields__ if getattr(data, name) is not None
        }
        async with ctx.db.transaction() as session:
            connection = await connections_admin.update_provider(
                session, ctx.upstream.catalog(), ctx.pricing, provider_id, changes
            )
            return provider_out(connection)

    @post(
        "/{provider_id:int}/test",
        operation_id="adminTestProvider",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def test_provider(
        self, ctx: NamedDependency[RestContext], provider_id: PathId
    ) -> ConnectionTestOut:
        """Call the provider's balance and services now and say whether it answers; stores nothing."""
        result = await connections_admin.test_connection(ctx.db, ctx.upstream.adapters(), provider_id)
        return ConnectionTestOut(
            provider_id=result.provider_id,
            ok=result.ok,
            elapsed_ms=result.elapsed_ms,
            balance=optional_amount(result.balance),
            currency=result.currency,
            services=result.services,
            error=result.error,
        )

    @post(
        "/{provider_id:int}/balance",
        operation_id="adminCheckProviderBalance",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def check_provider_balance(
        self, ctx: NamedDependency[RestContext], provider_id: PathId
    ) -> BalanceOut:
        """Ask the provider for our balance there now and store it."""
        reading = await check_balance(ctx.db, ctx.upstream.adapters(), provider_id)
        return BalanceOut(
            provider_id=reading.provider_id,
            balance=optional_amount(reading.balance),
            currency=reading.currency,
            checked_at=reading.checked_at,
            error=reading.error,
        )

    @post(
        "/{provider_id:int}/sync",
        operation_id="adminSyncProviderCatalog",
        status_code=200,
        responses=ERROR_RESPONSES,
    )
    async def sync_provider(self, ctx: NamedDependency[RestContext], provider_id: PathId) -> SyncOut:
        """Fetch the provider's catalog now, log what changed and reprice the services routed to it."""
        result = await sync_catalog(ctx.db, ctx.upstream.adapters(), provider_id, ctx.settings)
        report = result.report
        if report is None:
            return SyncOut(provider_id, False, result.error, 0, 0, 0, 0, 0, [])
        return SyncOut(
            provider_id,
            True,
            None,
            report.new,
            report.changed,
            report.removed,
            report.restored,
            report.unchanged,
            sorted(report.repriced_services),
        )

    @post(
        "/{provider_id:int}/import",
        operation_id="adminImportServices",
        status_code=201,
        responses=ERROR_RESPONSES,
    )
    async def import_provider_services(
        self, ctx: NamedDependency[RestContext], provider_id: PathId, data: JSONBody[ImportIn]
    ) -> ImportOut:
        """Put provider services on sale, one service with one route each (already imported ones are skipped)."""
        async with ctx.db.transaction() as session:
            connection = await connections_admin.provider_by_id(session, provider_id)
            created = await import_services(
                session,
                connection,
                ctx.pricing,
                markup_percent=data.markup_percent,
                category=data.category,
                external_ids=data.external_ids,
            )
            return ImportOut([admin_service_out(service) for service in created])

    @get("/{provider_id:int}/services", operation_id="adminListProviderServices", responses=ERROR_RESPONSES)
    async def list_provider_services(
        self,
        ctx: NamedDependency[RestContext],
        provider_id: PathId,
        paging: NamedDependency[PageRequest],
        category: QueryText = None,
        search: QueryText = None,
        include_removed: FromQuery[bool] = False,
    ) -> PageOut[ProviderServiceOut]:
        """The provider's catalog as last synced, by id."""
        where = browse.ProviderServiceFilter(category, search, include_removed)
        async with ctx.db.transaction() as session:
            rows = await browse.provider_services_page(session, provider_id, paging, where)
        return page_out(rows, provider_service_out)


class ProviderServicesController(Controller):
    """Single provider-service look-ups, and the installed adapters."""

    path = "/"
    tags = ["admin: providers"]
    dependencies = {"paging": PAGE}

    @get(
        "/provider-services/{provider_service_id:int}",
        operation_id="adminGetProviderService",
        responses=ERROR_RESPONSES,
    )
    async def get_provider_service(
        self, ctx: NamedDependency[RestContext], provider_service_id: PathId
    ) -> ProviderServiceOut:
        """One provider service, listed or removed."""
        async with ctx.db.transaction() as session:
            return provider_service_out(await provider_service_by_id(session, provider_service_id))

    @get("/adapters", operation_id="adminListAdapters", responses=ERROR_RESPONSES)
    async def list_adapters(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[AdapterOut]:
        """Installed provider adapters and their capabilities."""
        described = [
            AdapterOut(
                key=d.key,
                plugin=d.plugin,
                version=d.version,
                refill=d.capabilities.refill,
                cancel=d.capabilities.cancel,
                dripfeed=d.capabilities.dripfeed,
            )
            for d in ctx.upstream.catalog().describe()
        ]
        return page_out(page_of(described, paging), lambda item: item)
