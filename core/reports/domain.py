"""Pure report rules: what one order earned and cost, and how orders add up into report rows.

Revenue is what the customer paid and kept paying: `charge − refunded`. Cost is what the provider
charged us, converted with the exchange rate frozen when the order was placed (never today's rate):
the provider's own final figure (`provider_charge`, which status sync records and which already
reflects the provider's refunds of Partial and Canceled orders) when it reported one, else the cost
recorded at dispatch. An order never sent to a provider cost nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO, amount


@dataclass(frozen=True)
class OrderFigures:
    """The money columns of one order that reports read."""

    charge: Decimal
    refunded: Decimal
    cost: Decimal | None
    provider_charge: Decimal | None
    exchange_rate: Decimal | None


def revenue(order: OrderFigures) -> Decimal:
    """What the customer paid for the order, after refunds."""
    return amount(order.charge - order.refunded)


def cost(order: OrderFigures) -> Decimal:
    """What the order cost us in the panel currency, at the exchange rate frozen on the order."""
    upstream = order.provider_charge if order.provider_charge is not None else order.cost
    if upstream is None:
        return amount(ZERO)
    rate = order.exchange_rate if order.exchange_rate is not None else Decimal(1)
    return amount(upstream * rate)


@dataclass(frozen=True)
class ReportRow:
    """One group of orders: how many, what they brought in, what they cost, and the difference."""

    key: str
    label: str
    orders: int
    revenue: Decimal
    cost: Decimal
    profit: Decimal


@dataclass
class _Sum:
    orders: int = 0
    revenue: Decimal = ZERO
    cost: Decimal = ZERO


class Tally:
    """Sums orders by group key as they stream by, so a report never holds every order in memory."""

    def __init__(self) -> None:
        self._sums: dict[Hashable, _Sum] = {}

    def add(self, key: Hashable, order: OrderFigures) -> None:
        """Count one order under `key`."""
        total = self._sums.setdefault(key, _Sum())
        total.orders += 1
        total.revenue += revenue(order)
        total.cost += cost(order)

    def keys(self) -> list[Hashable]:
        """The group keys seen so far."""
        return list(self._sums)

    def rows(self, labels: Mapping[Hashable, str] | None = None) -> list[ReportRow]:
        """One row per key, sorted by key (ids as numbers), each with its label; None is `none`."""
        names = labels or {}
        return [
            ReportRow(
                key="none" if key is None else str(key),
                label=names.get(key, "none" if key is None else str(key)),
                orders=total.orders,
                revenue=amount(total.revenue),
                cost=amount(total.cost),
                profit=amount(total.revenue - total.cost),
            )
            for key, total in sorted(self._sums.items(), key=lambda item: _sort_key(item[0]))
        ]


def aggregate(
    figures: Iterable[tuple[Hashable, OrderFigures]], labels: Mapping[Hashable, str] | None = None
) -> list[ReportRow]:
    """Sum orders by their group key (see `Tally.rows`)."""
    tally = Tally()
    for key, order in figures:
        tally.add(key, order)
    return tally.rows(labels)


def _sort_key(key: Hashable) -> tuple[int, str]:
    # Ids sort as numbers (2 before 10), dates and names as text; a missing key (None) comes last.
    if key is None:
        return (2, "")
    if isinstance(key, int):
        return (0, f"{key:020d}")
    return (1, str(key))


def totals(rows: Iterable[ReportRow]) -> ReportRow:
    """All rows added up."""
    items = list(rows)
    return ReportRow(
        key="total",
        label="Total",
        orders=sum(row.orders for row in items),
        revenue=amount(sum((row.revenue for row in items), ZERO)),
        cost=amount(sum((row.cost for row in items), ZERO)),
        profit=amount(sum((row.profit for row in items), ZERO)),
    )
