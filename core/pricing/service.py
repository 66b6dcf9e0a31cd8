"""Use cases for exchange rates and markup rules, and loading them for the pure pricing rules."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput, NotFound
from core.money import MoneyError, fx_rate, rate, to_decimal
from core.pricing.domain import Markup, RuleBook
from core.pricing.models import ExchangeRate, PricingRule, RuleScope

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _currency(code: str) -> str:
    value = code.strip().upper()
    if not _CURRENCY.match(value):
        raise InvalidInput(f"not a currency code: {code!r}")
    return value


async def set_exchange_rate(
    session: AsyncSession, currency: str, value: Decimal | str | int, *, panel_currency: str
) -> ExchangeRate:
    """Set how many units of the panel currency one unit of `currency` buys."""
    code = _currency(currency)
    if code == panel_currency:
        raise InvalidInput(f"{code} is the panel currency; its rate is always 1")
    try:
        number = fx_rate(value)
    except (MoneyError, TypeError) as exc:
        raise InvalidInput(f"bad exchange rate: {exc}") from None
    row = await session.get(ExchangeRate, code)
    if row is None:
        row = ExchangeRate(currency=code, rate=number)
        session.add(row)
    else:
        row.rate = number
    await session.flush()
    return row


async def list_exchange_rates(session: AsyncSession) -> list[ExchangeRate]:
    """Every stored exchange rate by currency."""
    return list(await session.scalars(select(ExchangeRate).order_by(ExchangeRate.currency)))


async def exchange_rate(session: AsyncSession, currency: str, *, panel_currency: str) -> Decimal:
    """The rate from `currency` to the panel currency; NotFound when none is set."""
    code = currency.upper()
    if code == panel_currency:
        return Decimal(1)
    row = await session.get(ExchangeRate, code)
    if row is None:
        raise NotFound(f"no exchange rate for {code}; set one with `panel fx set {code} RATE`")
    return row.rate


async def set_rule(
    session: AsyncSession,
    scope: RuleScope,
    target: str,
    *,
    percent: Decimal | str | int,
    fixed_per_1000: Decimal | str | int = 0,
) -> PricingRule:
    """Create or replace the markup rule for one scope target ("" for the global rule)."""
    if scope is RuleScope.GLOBAL:
        target = ""
    elif not target:
        raise InvalidInput(f"a {scope.value} rule needs a target")
    try:
        pct = to_decimal(percent)
        fixed = rate(fixed_per_1000)
    except (MoneyError, TypeError) as exc:
        raise InvalidInput(f"bad markup: {exc}") from None
    if pct < -100:
        raise InvalidInput("a markup cannot be below -100%")
    row = await session.scalar(
        select(PricingRule).where(PricingRule.scope == scope, PricingRule.target == target)
    )
    if row is None:
        row = PricingRule(scope=scope, target=target, percent=pct, fixed_per_1000=fixed)
        session.add(row)
    else:
        row.percent, row.fixed_per_1000 = pct, fixed
    await session.flush()
    return row


async def load_rule_book(session: AsyncSession, *, default_percent: Decimal) -> RuleBook:
    """All markup rules as a RuleBook for the pure pricing functions."""
    by_service: dict[int, Markup] = {}
    by_category: dict[str, Markup] = {}
    by_provider: dict[int, Markup] = {}
    global_rule: Markup | None = None
    for row in await session.scalars(select(PricingRule)):
        markup = Markup(row.percent, row.fixed_per_1000)
        if row.scope is RuleScope.SERVICE:
            by_service[int(row.target)] = markup
        elif row.scope is RuleScope.CATEGORY:
            by_category[row.target] = markup
        elif row.scope is RuleScope.PROVIDER:
            by_provider[int(row.target)] = markup
        else:
            global_rule = markup
    return RuleBook(
        default=Markup(percent=default_percent),
        by_service=by_service,
        by_category=by_category,
        by_provider=by_provider,
        global_rule=global_rule,
    )
