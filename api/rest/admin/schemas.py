"""Admin response schemas shared by several admin controllers."""

from __future__ import annotations

from datetime import datetime

import msgspec

from api.rest.types import rate_text
from core.catalog.models import ProviderService, Service
from core.catalog.routing import RouteView


class AdminServiceOut(msgspec.Struct, frozen=True):
    """A service as the admin sees it, with its sell rate, pricing and follow-the-provider bookkeeping."""

    id: int
    name: str
    category: str
    type: str
    description: str | None
    min_quantity: int
    max_quantity: int
    refill: bool
    cancel: bool
    dripfeed: bool
    enabled: bool
    disabled_reason: str | None
    rate: str
    pinned_rate: str | None
    routing_policy: str
    source_provider_service_id: int | None
    overridden_fields: list[str]
    created_at: datetime
    updated_at: datetime


def admin_service_out(service: Service) -> AdminServiceOut:
    """The admin schema of a service."""
    return AdminServiceOut(
        id=service.id,
        name=service.name,
        category=service.category,
        type=service.type,
        description=service.description,
        min_quantity=service.min_quantity,
        max_quantity=service.max_quantity,
        refill=service.refill,
        cancel=service.cancel,
        dripfeed=service.dripfeed,
        enabled=service.enabled,
        disabled_reason=service.disabled_reason,
        rate=rate_text(service.rate),
        pinned_rate=None if service.pinned_rate is None else rate_text(service.pinned_rate),
        routing_policy=service.routing_policy.value,
        source_provider_service_id=service.source_provider_service_id,
        overridden_fields=list(service.overridden_fields or []),
        created_at=service.created_at,
        updated_at=service.updated_at,
    )


class ProviderServiceOut(msgspec.Struct, frozen=True):
    """One entry of a provider's catalog as last synced; `rate` is in the provider's currency."""

    id: int
    provider_id: int
    external_id: str
    name: str
    type: str
    category: str
    rate: str
    min_quantity: int
    max_quantity: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None


def provider_service_out(row: ProviderService) -> ProviderServiceOut:
    """The admin schema of a provider service."""
    return ProviderServiceOut(
        id=row.id,
        provider_id=row.provider_id,
        external_id=row.external_id,
        name=row.name,
        type=row.type,
        category=row.category,
        rate=rate_text(row.rate),
        min_quantity=row.min_quantity,
        max_quantity=row.max_quantity,
        refill=row.refill,
        cancel=row.cancel,
        dripfeed=row.dripfeed,
        description=row.description,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
        removed_at=row.removed_at,
    )


class RouteOut(msgspec.Struct, frozen=True):
    """A route of a service; `live` means dispatch may use it now (enabled, listed, provider enabled)."""

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
    provider_rate: str
    provider_service_removed: bool
    created_at: datetime


def route_out(view: RouteView) -> RouteOut:
    """The admin schema of a route."""
    return RouteOut(
        id=view.id,
        service_id=view.service_id,
        priority=view.priority,
        enabled=view.enabled,
        live=view.live,
        provider_id=view.provider_id,
        provider_name=view.provider_name,
        provider_currency=view.provider_currency,
        provider_enabled=view.provider_enabled,
        provider_service_id=view.provider_service_id,
        external_id=view.external_id,
        provider_service_name=view.provider_service_name,
        provider_rate=rate_text(view.provider_rate),
        provider_service_removed=view.provider_service_removed,
        created_at=view.created_at,
    )
