"""core.pricing.domain: markup resolution, sell rates, discounts, the margin guard."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.pricing.domain import Markup, RuleBook, customer_rate, sell_rate, sells_below_cost

D = Decimal
STEP = D("0.0001")


def book() -> RuleBook:
    return RuleBook(
        default=Markup(D("30")),
        by_service={7: Markup(D("50"))},
        by_category={"Instagram": Markup(D("40"))},
        by_provider={3: Markup(D("20"), D("0.10"))},
        global_rule=Markup(D("25")),
    )


def test_most_specific_rule_wins() -> None:
    rules = book()
    assert rules.resolve(service_id=7, category="Instagram", provider_id=3) == Markup(D("50"))
    assert rules.resolve(service_id=8, category="Instagram", provider_id=3) == Markup(D("40"))
    assert rules.resolve(service_id=8, category="TikTok", provider_id=3) == Markup(D("20"), D("0.10"))
    assert rules.resolve(service_id=8, category="TikTok", provider_id=4) == Markup(D("25"))


def test_default_applies_when_there_is_no_global_rule() -> None:
    rules = RuleBook(default=Markup(D("30")))
    assert rules.resolve(service_id=1, category="x", provider_id=1) == Markup(D("30"))


def test_sell_rate_converts_marks_up_and_rounds_up_to_the_step() -> None:
    # 0.90 EUR at 1.1 USD/EUR = 0.99 USD; +20% = 1.188; +0.10 fixed = 1.288
    assert sell_rate(
        provider_rate=D("0.90"), exchange_rate=D("1.1"), markup=Markup(D("20"), D("0.10")), price_step=STEP
    ) == D("1.288000")
    # 1/3 rounds up to the next step, never down
    assert sell_rate(
        provider_rate=D("1"), exchange_rate=D("1"), markup=Markup(D("-66.6666")), price_step=D("0.01")
    ) == D("0.340000")


def test_pinned_price_ignores_cost_and_markup() -> None:
    assert sell_rate(
        provider_rate=D("9"),
        exchange_rate=D("2"),
        markup=Markup(D("50")),
        price_step=STEP,
        pinned_rate=D("1.5"),
    ) == D("1.500000")


def test_customer_discount_is_applied_last() -> None:
    assert customer_rate(D("1.000000"), D("10"), STEP) == D("0.900000")
    assert customer_rate(D("1.000000"), D("0"), STEP) == D("1.000000")
    assert customer_rate(D("0.333333"), D("10"), STEP) == D("0.300000")
    with pytest.raises(ValueError, match="discount"):
        customer_rate(D("1"), D("101"), STEP)


def test_margin_guard() -> None:
    assert sells_below_cost(D("0.98"), D("0.90"), D("1.1"))
    assert not sells_below_cost(D("0.99"), D("0.90"), D("1.1"))


@given(
    cost=st.decimals(min_value=D("0"), max_value=D("10000"), places=6),
    fx=st.decimals(min_value=D("0.0001"), max_value=D("100000"), places=4),
    percent=st.decimals(min_value=D("0"), max_value=D("500"), places=2),
)
def test_a_non_negative_markup_never_sells_below_cost(cost: Decimal, fx: Decimal, percent: Decimal) -> None:
    price = sell_rate(provider_rate=cost, exchange_rate=fx, markup=Markup(percent), price_step=STEP)
    assert not sells_below_cost(price, cost, fx)
    assert price % STEP == 0
