"""Pure report rules: revenue and cost per order, and how they add up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.reports.domain import OrderFigures, Tally, aggregate, cost, revenue, totals


def figures(
    charge: str = "1.30000",
    refunded: str = "0",
    cost_: str | None = None,
    provider_charge: str | None = None,
    rate: str | None = None,
) -> OrderFigures:
    return OrderFigures(
        Decimal(charge),
        Decimal(refunded),
        None if cost_ is None else Decimal(cost_),
        None if provider_charge is None else Decimal(provider_charge),
        None if rate is None else Decimal(rate),
    )


def test_revenue_is_what_was_kept() -> None:
    assert revenue(figures("1.30000", "0.65000")) == Decimal("0.65000")


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (figures(), "0.00000"),  # never sent to a provider
        (figures(cost_="1.00000", rate="1"), "1.00000"),
        (figures(cost_="0.80000", rate="1.1"), "0.88000"),  # at the rate frozen on the order
        (
            figures(cost_="0.80000", provider_charge="0.40000", rate="1.1"),
            "0.44000",
        ),  # provider refunded half
        (figures(cost_="0.50000", provider_charge="0", rate="1"), "0.00000"),  # canceled upstream
        (figures(cost_="0.33333", rate="0.3333333333"), "0.11111"),  # rounded half-up to 5 places
    ],
)
def test_cost_in_the_panel_currency(order: OrderFigures, expected: str) -> None:
    assert str(cost(order)) == expected


def test_rows_are_grouped_sorted_and_labelled() -> None:
    rows = aggregate(
        [
            (10, figures("2", "0", "1", None, "1")),
            (2, figures("1", "1", "0.5", "0", "1")),
            (None, figures("0.5")),
            (10, figures("1", "0.25", "0.5", None, "2")),
        ],
        {10: "ten", 2: "two"},
    )
    assert [(r.key, r.label, r.orders) for r in rows] == [
        ("2", "two", 1),
        ("10", "ten", 2),
        ("none", "none", 1),
    ]
    ten = rows[1]
    assert (ten.revenue, ten.cost, ten.profit) == (Decimal("2.75000"), Decimal("2.00000"), Decimal("0.75000"))
    total = totals(rows)
    assert (total.orders, total.revenue, total.cost, total.profit) == (
        4,
        Decimal("3.25000"),
        Decimal("2.00000"),
        Decimal("1.25000"),
    )


def test_an_empty_tally() -> None:
    tally = Tally()
    assert tally.rows() == []
    assert totals([]).orders == 0
