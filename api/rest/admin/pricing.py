"""Admin: markup rules and exchange rates. Every change reprices the whole catalog at once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import FX_PATTERN, PathId, Percent, Rate, fx_text, percent_text, rate_text, text
from core.pagination import PageRequest
from core.pricing import admin as pricing_admin
from core.pricing.models import ExchangeRate, PricingRule, RuleScope

CurrencyPath = Annotated[str, PathParameter(pattern=r"^[A-Za-z]{3}$", description="ISO currency code")]
FxRate = Annotated[str, msgspec.Meta(pattern=FX_PATTERN, description="panel currency per unit")]


class PricingRuleOut(msgspec.Struct, frozen=True):
    """A markup rule: sell = cost × (1 + percent/100) + fixed_per_1000 for its scope and target."""

    id: int
    scope: str
    target: str
    percent: str
    fixed_per_1000: str
    updated_at: datetime


class PutRuleIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The rule for one scope target: a service id, a category name, a provider id, or "" for global.
    The most specific rule wins: service, category, provider, global."""

    scope: RuleScope
    percent: Percent
    target: Annotated[str, text(300)] = ""
    fixed_per_1000: Rate = "0"


class ExchangeRateOut(msgspec.Struct, frozen=True):
    """How many units of the panel currency one unit of `currency` buys."""

    currency: str
    rate: str
    updated_at: datetime


class PutRateIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The new exchange rate."""

    rate: FxRate


def rule_out(rule: PricingRule) -> PricingRuleOut:
    """The admin schema of a markup rule."""
    return PricingRuleOut(
        rule.id,
        rule.scope.value,
        rule.target,
        percent_text(rule.percent),
        rate_text(rule.fixed_per_1000),
        rule.updated_at,
    )


def rate_out(row: ExchangeRate) -> ExchangeRateOut:
    """The admin schema of an exchange rate."""
    return ExchangeRateOut(row.currency, fx_text(row.rate), row.updated_at)


class PricingController(Controller):
    """Markup rules and exchange rates."""

    path = "/"
    tags = ["admin: pricing"]
    dependencies = {"paging": PAGE}

    @get("/pricing-rules", operation_id="adminListPricingRules", responses=ERROR_RESPONSES)
    async def list_rules(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[PricingRuleOut]:
        """Markup rules by scope and target."""
        async with ctx.db.transaction() as session:
            return page_out(await pricing_admin.rules_page(session, paging), rule_out)

    @put("/pricing-rules", operation_id="adminPutPricingRule", responses=ERROR_RESPONSES)
    async def put_rule(self, ctx: NamedDependency[RestContext], data: JSONBody[PutRuleIn]) -> PricingRuleOut:
        """Create or replace the rule of one scope target; prices follow at once."""
        async with ctx.db.transaction() as session:
            rule = await pricing_admin.put_rule(
                session,
                ctx.pricing,
                data.scope,
                data.target,
                percent=data.percent,
                fixed_per_1000=data.fixed_per_1000,
            )
            return rule_out(rule)

    @delete("/pricing-rules/{rule_id:int}", operation_id="adminDeletePricingRule", responses=ERROR_RESPONSES)
    async def delete_rule(self, ctx: NamedDependency[RestContext], rule_id: PathId) -> None:
        """Remove a rule; the next less specific one applies."""
        async with ctx.db.transaction() as session:
            await pricing_admin.delete_rule(session, ctx.pricing, rule_id)

    @get("/exchange-rates", operation_id="adminListExchangeRates", responses=ERROR_RESPONSES)
    async def list_rates(
        self, ctx: NamedDependency[RestContext], paging: NamedDependency[PageRequest]
    ) -> PageOut[ExchangeRateOut]:
        """Exchange rates to the panel currency."""
        async with ctx.db.transaction() as session:
            return page_out(await pricing_admin.rates_page(session, paging), rate_out)

    @put("/exchange-rates/{currency:str}", operation_id="adminPutExchangeRate", responses=ERROR_RESPONSES)
    async def put_rate(
        self, ctx: NamedDependency[RestContext], currency: CurrencyPath, data: JSONBody[PutRateIn]
    ) -> ExchangeRateOut:
        """Set a currency's rate; services priced in it are repriced at once."""
        async with ctx.db.transaction() as session:
            return rate_out(await pricing_admin.put_exchange_rate(session, ctx.pricing, currency, data.rate))

    @delete(
        "/exchange-rates/{currency:str}", operation_id="adminDeleteExchangeRate", responses=ERROR_RESPONSES
    )
    async def delete_rate(self, ctx: NamedDependency[RestContext], currency: CurrencyPath) -> None:
        """Forget a rate; services priced in that currency go off sale until one is set."""
        async with ctx.db.transaction() as session:
            await pricing_admin.delete_exchange_rate(session, ctx.pricing, currency)
