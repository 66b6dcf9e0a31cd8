"""Pure pricing rules: markup resolution, sell rates, customer discounts and the margin guard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.money import HUNDRED, ZERO, ceil_to_step, rate, to_decimal


@dataclass(frozen=True)
class Markup:
    """A markup: percent on top of cost, plus a fixed amount per 1000 units."""

    percent: Decimal = ZERO
    fixed_per_1000: Decimal = ZERO


@dataclass(frozen=True)
class RuleBook:
    """All markup rules, resolved from most to least specific: service → category → provider → global."""

    default: Markup
    by_service: Mapping[int, Markup] = field(default_factory=dict)
    by_category: Mapping[str, Markup] = field(default_factory=dict)
    by_provider: Mapping[int, Markup] = field(default_factory=dict)
    global_rule: Markup | None = None

    def resolve(self, *, service_id: int | None, category: str | None, provider_id: int | None) -> Markup:
        """The markup that applies to one service sold through one provider."""
        if service_id is not None and service_id in self.by_service:
            return self.by_service[service_id]
        if category is not None and category in self.by_category:
            return self.by_category[category]
        if provider_id is not None and provider_id in self.by_provider:
            return self.by_provider[provider_id]
        return self.global_rule if self.global_rule is not None else self.default


def cost_in_panel_currency(provider_rate: Decimal, exchange_rate: Decimal) -> Decimal:
    """A provider's rate per 1000 converted to the panel currency (not yet rounded)."""
    return to_decimal(provider_rate) * to_decimal(exchange_rate)


def sell_rate(
    *,
    provider_rate: Decimal,
    exchange_rate: Decimal,
    markup: Markup,
    price_step: Decimal,
    pinned_rate: Decimal | None = None,
) -> Decimal:
    """The sell rate per 1000: pinned if set, else cost × (1 + percent/100) + fixed, up to the step."""
    if pinned_rate is not None:
        return rate(pinned_rate)
    cost = cost_in_panel_currency(provider_rate, exchange_rate)
    raw = cost * (1 + markup.percent / HUNDRED) + markup.fixed_per_1000
    return ceil_to_step(max(raw, ZERO), price_step)


def customer_rate(service_rate: Decimal, discount_percent: Decimal, price_step: Decimal) -> Decimal:
    """A customer's rate: the service rate less their discount, rounded up to the price step."""
    discount = to_decimal(discount_percent)
    if not ZERO <= discount <= HUNDRED:
        raise ValueError("a discount is between 0 and 100 percent")
    if discount == ZERO:
        return rate(service_rate)
    return ceil_to_step(to_decimal(service_rate) * (1 - discount / HUNDRED), price_step)


def sells_below_cost(service_rate: Decimal, provider_rate: Decimal, exchange_rate: Decimal) -> bool:
    """The margin guard: True when selling at `service_rate` would lose money on this provider rate."""
    return to_decimal(service_rate) < cost_in_panel_currency(provider_rate, exchange_rate)
