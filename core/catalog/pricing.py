"""Repricing panel services from their routes' provider rates, with the margin guard.

A service's reference cost is its primary live route: the first by priority, or the cheapest (in the
panel currency) when the service routes cheapest-first. The sell rate follows that cost through the
markup rules unless the price is pinned. A service that would sell below that cost, that has no live
route, or whose provider currency has no exchange rate is disabled with a system reason and logged; it
is re-enabled automatically once the reason is gone. A service an admin disabled stays disabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog import repository
from core.catalog.models import CatalogChange, RoutingPolicy, Service
from core.catalog.repository import LiveRoute
from core.pricing.domain import RuleBook, cost_in_panel_currency, sell_rate, sells_below_cost
from core.pricing.models import ExchangeRate
from core.pricing.service import load_rule_book
from core.settings import Settings

NO_LIVE_ROUTE = "no live route"
BELOW_COST = "sells below cost"
NO_EXCHANGE_RATE = "no exchange rate for "
SYSTEM_REASONS = (NO_LIVE_ROUTE, BELOW_COST, NO_EXCHANGE_RATE)


@dataclass(frozen=True)
class PricingConfig:
    """The panel-wide pricing settings."""

    panel_currency: str
    price_step: Decimal
    default_markup_percent: Decimal

    @classmethod
    def from_settings(cls, settings: Settings) -> PricingConfig:
        """The pricing part of the panel settings."""
        return cls(settings.currency, settings.price_step, settings.default_markup_percent)


def is_system_disabled(service: Service) -> bool:
    """Whether the service was disabled by the catalog rules (and may come back by itself)."""
    reason = service.disabled_reason or ""
    return not service.enabled and reason.startswith(SYSTEM_REASONS)


async def _exchange_rates(session: AsyncSession, config: PricingConfig) -> dict[str, Decimal]:
    rates = {row.currency: row.rate for row in await session.scalars(select(ExchangeRate))}
    rates[config.panel_currency] = Decimal(1)
    return rates


def primary_route(service: Service, routes: list[LiveRoute], fx: dict[str, Decimal]) -> LiveRoute | None:
    """The route whose cost sets the price: first by priority, or cheapest for cheapest-first services."""
    if not routes:
        return None
    priced = [route for route in routes if route.provider_currency in fx]
    if service.routing_policy is RoutingPolicy.CHEAPEST and priced:
        return min(
            priced,
            key=lambda r: (cost_in_panel_currency(r.provider_rate, fx[r.provider_currency]), r.priority),
        )
    return routes[0]


def _log(session: AsyncSession, service: Service, kind: str, old: object, new: object) -> None:
    session.add(
        CatalogChange(
            service_id=service.id,
            kind=kind,
            old_value=None if old is None else str(old)[:1000],
            new_value=None if new is None else str(new)[:1000],
        )
    )


def _disable(session: AsyncSession, service: Service, reason: str) -> None:
    if service.enabled or service.disabled_reason != reason:
        _log(session, service, "service_disabled", service.disabled_reason, reason)
    service.enabled = False
    service.disabled_reason = reason


def _reprice_one(
    session: AsyncSession,
    service: Service,
    routes: list[LiveRoute],
    fx: dict[str, Decimal],
    rules: RuleBook,
    config: PricingConfig,
) -> None:
    if not service.enabled and not is_system_disabled(service):
        return  # an admin's decision; leave it alone
    route = primary_route(service, routes, fx)
    if route is None:
        _disable(session, service, NO_LIVE_ROUTE)
        return
    if route.provider_currency not in fx:
        _disable(session, service, NO_EXCHANGE_RATE + route.provider_currency)
        return
    exchange = fx[route.provider_currency]
    markup = rules.resolve(service_id=service.id, category=service.category, provider_id=route.provider_id)
    new_rate = sell_rate(
        provider_rate=route.provider_rate,
        exchange_rate=exchange,
        markup=markup,
        price_step=config.price_step,
        pinned_rate=service.pinned_rate,
    )
    if new_rate != service.rate:
        _log(session, service, "sell_rate", service.rate, new_rate)
        service.rate = new_rate
    if sells_below_cost(new_rate, route.provider_rate, exchange):
        _disable(session, service, BELOW_COST)
        return
    if not service.enabled:
        _log(session, service, "service_enabled", service.disabled_reason, None)
        service.enabled = True
        service.disabled_reason = None


async def reprice_services(session: AsyncSession, service_ids: Iterable[int], config: PricingConfig) -> None:
    """Recompute sell rates and availability of the given services from their live routes."""
    services = await repository.services_by_ids(session, service_ids)
    if not services:
        return
    routes = await repository.live_routes(session, [s.id for s in services])
    fx = await _exchange_rates(session, config)
    rules = await load_rule_book(session, default_percent=config.default_markup_percent)
    for service in services:
        _reprice_one(session, service, routes[service.id], fx, rules, config)
    await session.flush()
