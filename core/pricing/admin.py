"""The reseller's hand on pricing: markup rules and exchange rates, each change repricing the catalog.

A rule or a rate can move any service's price (a global rule reaches them all), so every change here
reprices every service in the same transaction: prices, the margin guard and the "no exchange rate"
rule are in force the moment the change commits.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import Service
from core.catalog.pricing import PricingConfig, reprice_services
from core.connections.models import ProviderConnection
from core.errors import InvalidInput, NotFound
from core.pagination import Page, PageRequest, paginate
from core.pricing.models import ExchangeRate, PricingRule, RuleScope
from core.pricing.service import set_exchange_rate, set_rule


async def reprice_all(session: AsyncSession, config: PricingConfig) -> None:
    """Reprice every service from its routes and the current rules and rates."""
    await reprice_services(session, list(await session.scalars(select(Service.id))), config)


async def rules_page(session: AsyncSession, request: PageRequest) -> Page[PricingRule]:
    """Markup rules by scope and target."""
    query = select(PricingRule).order_by(PricingRule.scope, PricingRule.target, PricingRule.id)
    return await paginate(session, query, request)


async def _check_target(session: AsyncSession, scope: RuleScope, target: str) -> str:
    """The rule's target as stored; service and provider targets must name existing rows."""
    text = target.strip()
    if scope is RuleScope.GLOBAL:
        return ""
    if not text or len(text) > 300:
        raise InvalidInput(f"a {scope.value} rule needs a target of 1-300 characters")
    if scope is RuleScope.CATEGORY:
        return text
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"the target of a {scope.value} rule is its id")
    model = Service if scope is RuleScope.SERVICE else ProviderConnection
    if await session.get(model, int(text)) is None:
        raise NotFound(f"unknown {scope.value} {text}")
    return str(int(text))


async def put_rule(
    session: AsyncSession,
    config: PricingConfig,
    scope: RuleScope,
    target: str,
    *,
    percent: Decimal | str,
    fixed_per_1000: Decimal | str = "0",
) -> PricingRule:
    """Create or replace the markup rule of one scope target, then reprice."""
    rule = await set_rule(
        session,
        scope,
        await _check_target(session, scope, target),
        percent=percent,
        fixed_per_1000=fixed_per_1000,
    )
    await reprice_all(session, config)
    return rule


async def delete_rule(session: AsyncSession, config: PricingConfig, rule_id: int) -> None:
    """Remove a markup rule (the next less specific one applies), then reprice."""
    rule = await session.get(PricingRule, rule_id)
    if rule is None:
        raise NotFound(f"unknown pricing rule {rule_id}")
    await session.delete(rule)
    await session.flush()
    await reprice_all(session, config)


async def rates_page(session: AsyncSession, request: PageRequest) -> Page[ExchangeRate]:
    """Exchange rates by currency."""
    return await paginate(session, select(ExchangeRate).order_by(ExchangeRate.currency), request)


async def put_exchange_rate(
    session: AsyncSession, config: PricingConfig, currency: str, value: Decimal | str
) -> ExchangeRate:
    """Set how many units of the panel currency one unit of `currency` buys, then reprice."""
    row = await set_exchange_rate(session, currency, value, panel_currency=config.panel_currency)
    await reprice_all(session, config)
    return row


async def delete_exchange_rate(session: AsyncSession, config: PricingConfig, currency: str) -> None:
    """Forget a rate; services priced in that currency are disabled until a rate is set again."""
    row = await session.get(ExchangeRate, currency.strip().upper()[:3])
    if row is None:
        raise NotFound(f"no exchange rate for {currency.strip().upper()[:3]}")
    await session.delete(row)
    await session.flush()
    await reprice_all(session, config)
