"""Catalog use cases: sync a provider's catalog, import provider services, manage routes.

Catalog sync logs every change (one CatalogChange row per changed field), lets imported services follow
their provider service except for fields the reseller overrode, and reprices every service routed to
the provider. A provider service missing from the catalog is marked removed, which takes its routes out
of dispatch; a service left without a live route is disabled until one comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog import repository
from core.catalog.models import CatalogChange, ProviderService, Service, ServiceRoute
from core.catalog.pricing import PricingConfig, reprice_services
from core.connections.models import ProviderConnection
from core.db.types import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.money import MoneyError, rate, to_decimal
from core.pricing.models import RuleScope
from core.pricing.service import set_rule
from providers.dto import ProviderServiceInfo
from providers.service_types import normalise_service_type

# Provider-service fields compared at each sync, and the panel-service fields that follow them.
TRACKED_FIELDS = (
    "name",
    "type",
    "category",
    "rate",
    "min_quantity",
    "max_quantity",
    "refill",
    "cancel",
    "dripfeed",
    "description",
)
FOLLOWED_FIELDS = (
    "name",
    "type",
    "category",
    "min_quantity",
    "max_quantity",
    "refill",
    "cancel",
    "dripfeed",
    "description",
)


@dataclass
class SyncReport:
    """What one catalog sync did."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    restored: int = 0
    unchanged: int = 0
    repriced_services: list[int] = field(default_factory=list)


def _values(info: ProviderServiceInfo) -> dict[str, object]:
    minimum, maximum = max(info.min, 0), max(info.max, 0)
    return {
        "name": info.name[:500],
        "type": normalise_service_type(info.type)[:100],
        "category": info.category[:300],
        "rate": rate(info.rate),
        "min_quantity": minimum,
        "max_quantity": max(maximum, minimum),
        "refill": info.refill,
        "cancel": info.cancel,
        "dripfeed": info.dripfeed,
        "description": info.description,
    }


def _change(session: AsyncSession, row: ProviderService, kind: str, old: object, new: object) -> None:
    session.add(
        CatalogChange(
            provider_id=row.provider_id,
            provider_service_id=row.id,
            kind=kind,
            old_value=None if old is None else str(old)[:1000],
            new_value=None if new is None else str(new)[:1000],
        )
    )


def _follow(service: Service, row: ProviderService) -> None:
    """Copy the provider service's fields onto the imported service, except those the reseller overrode."""
    for name in FOLLOWED_FIELDS:
        if name not in service.overridden_fields and getattr(service, name) != getattr(row, name):
            setattr(service, name, getattr(row, name))


async def sync_provider_catalog(
    session: AsyncSession,
    connection: ProviderConnection,
    infos: Sequence[ProviderServiceInfo],
    config: PricingConfig,
) -> SyncReport:
    """Bring the stored catalog of one provider in line with what it just returned."""
    now = utcnow()
    report = SyncReport()
    existing = await repository.provider_services_of(session, connection.id)
    seen: set[str] = set()
    touched: list[ProviderService] = []
    for info in infos:
        if info.external_id in seen:
            continue  # a provider listing one id twice: the first entry wins
        seen.add(info.external_id)
        values = _values(info)
        row = existing.get(info.external_id)
        if row is None:
            row = ProviderService(
                provider_id=connection.id, external_id=info.external_id, first_seen_at=now, **values
            )
            session.add(row)
            await session.flush()
            _change(session, row, "new", None, f"{row.name} @ {row.rate}")
            report.new += 1
        else:
            diffs = {
                name: (getattr(row, name), new) for name, new in values.items() if getattr(row, name) != new
            }
            for name, (old, new) in diffs.items():
                _change(session, row, name, old, new)
                setattr(row, name, new)
            if row.removed_at is not None:
                _change(session, row, "restored", row.removed_at.isoformat(), None)
                row.removed_at = None
                report.restored += 1
            if diffs:
                report.changed += 1
                touched.append(row)
            else:
                report.unchanged += 1
        row.last_seen_at = now
    for external_id, row in existing.items():
        if external_id not in seen and row.removed_at is None:
            row.removed_at = now
            _change(session, row, "removed", row.name, None)
            report.removed += 1
    await session.flush()
    changed_rows = {row.id: row for row in touched}
    for service in await repository.services_sourced_from(session, changed_rows):
        _follow(service, changed_rows[service.source_provider_service_id])  # type: ignore[index]
    report.repriced_services = await repository.services_routed_to(session, connection.id)
    await reprice_services(session, report.repriced_services, config)
    return report


async def import_services(
    session: AsyncSession,
    connection: ProviderConnection,
    config: PricingConfig,
    *,
    markup_percent: Decimal | str | None = None,
    category: str | None = None,
    external_ids: Sequence[str] | None = None,
) -> list[Service]:
    """Create panel services (with one route each) from a provider's listed services.

    Provider services that already back an imported service are skipped, so importing twice is safe.
    `markup_percent` sets a service-level markup rule on each new service.
    """
    try:
        markup = None if markup_percent is None else to_decimal(markup_percent)
    except (MoneyError, TypeError):
        raise InvalidInput(f"not a markup percentage: {markup_percent!r}") from None
    if markup is not None and markup < -100:
        raise InvalidInput("a markup cannot be below -100%")
    catalog = await repository.provider_services_of(session, connection.id)
    wanted = [row for row in catalog.values() if row.removed_at is None]
    if external_ids is not None:
        unknown = sorted(set(external_ids) - {row.external_id for row in wanted})
        if unknown:
            raise NotFound(f"provider {connection.name!r} lists no service {', '.join(unknown)}")
        wanted = [row for row in wanted if row.external_id in set(external_ids)]
    if category is not None:
        wanted = [row for row in wanted if row.category == category]
    already = {
        s.source_provider_service_id
        for s in await repository.services_sourced_from(session, [r.id for r in wanted])
    }
    created: list[Service] = []
    for row in sorted(wanted, key=lambda r: (r.category, r.external_id)):
        if row.id in already:
            continue
        service = Service(
            **{name: getattr(row, name) for name in FOLLOWED_FIELDS},
            rate=Decimal(0),
            enabled=True,
            source_provider_service_id=row.id,
            overridden_fields=[],
        )
        session.add(service)
        await session.flush()
        session.add(ServiceRoute(service_id=service.id, provider_service_id=row.id, priority=0, enabled=True))
        if markup is not None:
            await set_rule(session, RuleScope.SERVICE, str(service.id), percent=markup)
        created.append(service)
    await session.flush()
    await reprice_services(session, [s.id for s in created], config)
    return created


async def add_route(
    session: AsyncSession,
    config: PricingConfig,
    *,
    service_id: int,
    provider_name: str,
    external_id: str,
    priority: int = 0,
) -> ServiceRoute:
    """Route a panel service to one more provider service; the service is repriced."""
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound(f"unknown service {service_id}")
    connection = await session.scalar(
        select(ProviderConnection).where(ProviderConnection.name == provider_name)
    )
    if connection is None:
        raise NotFound(f"unknown provider {provider_name!r}")
    target = (await repository.provider_services_of(session, connection.id)).get(external_id)
    if target is None:
        raise NotFound(
            f"provider {provider_name!r} lists no service {external_id!r}; run `panel catalog sync {provider_name}`"
        )
    route = ServiceRoute(
        service_id=service.id, provider_service_id=target.id, priority=priority, enabled=True
    )
    try:
        async with session.begin_nested():
            session.add(route)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"service {service_id} already routes to {provider_name} service {external_id}"
        ) from None
    await reprice_services(session, [service.id], config)
    return route


async def list_services(session: AsyncSession) -> list[Service]:
    """Every panel service by id."""
    return list(await session.scalars(select(Service).order_by(Service.id)))
