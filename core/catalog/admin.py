"""The reseller's hand on the catalog: create services from provider services, edit, enable, disable.

An imported service follows its source provider service at each catalog sync (`service.FOLLOWED_FIELDS`).
Editing one of those fields here records it in `overridden_fields`, so the next sync leaves the
reseller's value alone; `reset` takes a field out of that list and copies the provider's value back.
Every change is logged in the catalog change log and the service is repriced in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import CatalogChange, ProviderService, RoutingPolicy, Service, ServiceRoute
from core.catalog.pricing import PricingConfig, reprice_services
from core.catalog.service import FOLLOWED_FIELDS
from core.errors import Conflict, InvalidInput, NotFound
from core.money import MoneyError, rate, to_decimal
from core.pricing.models import RuleScope
from core.pricing.service import set_rule
from providers.service_types import normalise_service_type

ADMIN_DISABLED = "disabled by an admin"
MAX_ROUTES_PER_SERVICE = 20
_TEXT_LIMITS = {"name": 500, "category": 300, "type": 100, "description": 10_000}


@dataclass(frozen=True)
class ServiceChanges:
    """An edit of a service: only the fields given in `values` change; `reset` re-follows the provider.

    `values` keys are `FOLLOWED_FIELDS` plus `pinned_rate` (None unpins) and `routing_policy`.
    """

    values: dict[str, object] = field(default_factory=dict)
    reset: tuple[str, ...] = ()


EDITABLE_FIELDS = (*FOLLOWED_FIELDS, "pinned_rate", "routing_policy")


async def service_by_id(session: AsyncSession, service_id: int) -> Service:
    """The service, or NotFound."""
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound(f"unknown service {service_id}")
    return service


async def provider_service_by_id(session: AsyncSession, provider_service_id: int) -> ProviderService:
    """The provider service, or NotFound."""
    row = await session.get(ProviderService, provider_service_id)
    if row is None:
        raise NotFound(f"unknown provider service {provider_service_id}")
    return row


def _log(session: AsyncSession, service: Service, kind: str, old: object, new: object) -> None:
    session.add(
        CatalogChange(
            service_id=service.id,
            kind=kind[:40],
            old_value=None if old is None else str(old)[:1000],
            new_value=None if new is None else str(new)[:1000],
        )
    )


def _pinned(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = rate(to_decimal(value))
    except (MoneyError, TypeError):
        raise InvalidInput(f"not a rate: {value!r}") from None
    if number < 0:
        raise InvalidInput("a pinned rate cannot be negative")
    return number


def _clean(name: str, value: object) -> object:
    """Validate one edited value and return it as stored."""
    if name == "pinned_rate":
        return _pinned(value)
    if name == "routing_policy":
        try:
            return RoutingPolicy(str(value))
        except ValueError:
            raise InvalidInput(
                f"routing policy is one of {', '.join(p.value for p in RoutingPolicy)}"
            ) from None
    if name in ("min_quantity", "max_quantity"):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2_147_483_647:
            raise InvalidInput(f"{name} must be a whole number from 0 to 2147483647")
        return value
    if name in ("refill", "cancel", "dripfeed"):
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false")
        return value
    if name == "description" and value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text")
    text = value.strip()
    if name in ("name", "type") and not text:
        raise InvalidInput(f"{name} must not be empty")
    if len(text) > _TEXT_LIMITS[name]:
        raise InvalidInput(f"{name} is longer than {_TEXT_LIMITS[name]} characters")
    return normalise_service_type(text) if name == "type" else text


async def _apply(session: AsyncSession, service: Service, changes: ServiceChanges) -> None:
    unknown = sorted(
        (set(changes.values) - set(EDITABLE_FIELDS)) | (set(changes.reset) - set(FOLLOWED_FIELDS))
    )
    if unknown:
        raise InvalidInput(f"not editable: {', '.join(unknown)}")
    overridden = list(service.overridden_fields or [])
    for name, raw in changes.values.items():
        value = _clean(name, raw)
        if name in FOLLOWED_FIELDS and name not in overridden:
            overridden.append(name)
        if getattr(service, name) != value:
            _log(session, service, f"edit_{name}", getattr(service, name), value)
            setattr(service, name, value)
    if changes.reset:
        source = (
            await session.get(ProviderService, service.source_provider_service_id)
            if service.source_provider_service_id is not None
            else None
        )
        if source is None:
            raise Conflict(f"service {service.id} has no source provider service to follow")
        for name in changes.reset:
            if name in overridden:
                overridden.remove(name)
            if getattr(service, name) != getattr(source, name):
                _log(session, service, f"reset_{name}", getattr(service, name), getattr(source, name))
                setattr(service, name, getattr(source, name))
    if service.min_quantity > service.max_quantity:
        raise InvalidInput("min_quantity must not exceed max_quantity")
    # A new list, not an in-place change: the JSON column only notices assignment.
    service.overridden_fields = sorted(set(overridden))


async def create_service(
    session: AsyncSession,
    config: PricingConfig,
    *,
    provider_service_ids: Sequence[int],
    overrides: dict[str, object] | None = None,
    markup_percent: Decimal | str | None = None,
) -> Service:
    """A new service fulfilled by the given provider services, routed in the order given.

    The first provider service is the source the service follows; the others are fallbacks and must be
    of the same type. `overrides` sets fields (as `update_service` does) and `markup_percent` a
    service-level markup rule.
    """
    ids = list(provider_service_ids)
    if not ids:
        raise InvalidInput("a service needs at least one provider service")
    if len(set(ids)) != len(ids):
        raise InvalidInput("a provider service is listed twice")
    if len(ids) > MAX_ROUTES_PER_SERVICE:
        raise InvalidInput(f"at most {MAX_ROUTES_PER_SERVICE} routes per service")
    rows = [await provider_service_by_id(session, row_id) for row_id in ids]
    source = rows[0]
    if source.removed_at is not None:
        raise Conflict(f"provider service {source.id} is no longer listed by its provider")
    for row in rows[1:]:
        check_same_type(source.type, row)
    service = Service(
        **{name: getattr(source, name) for name in FOLLOWED_FIELDS},
        rate=Decimal(0),
        enabled=True,
        source_provider_service_id=source.id,
        overridden_fields=[],
        routing_policy=RoutingPolicy.PRIORITY,
    )
    session.add(service)
    await session.flush()
    for priority, row in enumerate(rows):
        session.add(ServiceRoute(service_id=service.id, provider_service_id=row.id, priority=priority))
    _log(session, service, "service_created", None, f"{service.name} from provider service {source.id}")
    if overrides:
        await _apply(session, service, ServiceChanges(values=dict(overrides)))
    if markup_percent is not None:
        await set_rule(session, RuleScope.SERVICE, str(service.id), percent=markup_percent)
    await session.flush()
    await reprice_services(session, [service.id], config)
    return service


def check_same_type(service_type: str, row: ProviderService) -> None:
    """A route must deliver what the service sells: the same service type (Default, Package...)."""
    if normalise_service_type(row.type) != normalise_service_type(service_type):
        raise InvalidInput(
            f"provider service {row.id} is of type {row.type!r}, the service of type {service_type!r}"
        )


async def update_service(
    session: AsyncSession, config: PricingConfig, service_id: int, changes: ServiceChanges
) -> Service:
    """Edit a service (see `ServiceChanges`), log each change and reprice it."""
    service = await service_by_id(session, service_id)
    await _apply(session, service, changes)
    await session.flush()
    await reprice_services(session, [service.id], config)
    return service


async def set_service_enabled(
    session: AsyncSession, config: PricingConfig, service_id: int, enabled: bool
) -> Service:
    """Put a service on sale or take it off.

    Disabling records the admin's reason, which the catalog rules never override. Enabling clears it and
    reprices; when the catalog rules would keep it off (no live route, below cost, no exchange rate) the
    request is refused with that reason and nothing changes.
    """
    service = await service_by_id(session, service_id)
    if not enabled:
        if service.enabled or service.disabled_reason != ADMIN_DISABLED:
            _log(session, service, "service_disabled", service.disabled_reason, ADMIN_DISABLED)
        service.enabled = False
        service.disabled_reason = ADMIN_DISABLED
        await session.flush()
        return service
    if not service.enabled:
        _log(session, service, "service_enabled", service.disabled_reason, None)
    service.enabled = True
    service.disabled_reason = None
    await session.flush()
    await reprice_services(session, [service.id], config)
    if not service.enabled:
        raise Conflict(f"service {service_id} cannot be enabled: {service.disabled_reason}")
    return service
