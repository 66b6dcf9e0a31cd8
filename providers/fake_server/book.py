"""The fake provider's state: catalog, orders, refills, balance and counters, all in memory.

Answers here are dialect-neutral; `dialects.py` shapes them for the wire. Messages use PP's wording.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import msgspec

from providers.dto import ProviderServiceInfo
from providers.simulation.catalog import CATALOG
from providers.simulation.ordering import AddRefused, check_add
from providers.simulation.progression import (
    OrderPlan,
    RefillPlan,
    charge_now,
    plan_order,
    plan_refill,
    pp_status_text,
    progress_at,
    refill_status_at,
)
from providers.status import RefillStatus, UpstreamStatus, normalise_order_status

INCORRECT_ORDER = "Incorrect order ID"
REFILL_NOT_FOUND = "Refill not found"


class BookSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How the fake provider behaves when nothing is faulty."""

    speed: float = 1.0
    partial_share: float = 0.0
    cancel_share: float = 0.0
    balance: Decimal = Decimal("1000.00000")
    currency: str = "USD"
    reject_duplicate_links: bool = False
    seed: int | None = None


class StatusView(msgspec.Struct, frozen=True):
    """An order's status as the wire shows it."""

    status: str
    charge: Decimal
    start_count: int
    remains: int
    currency: str


class RefillView(msgspec.Struct, frozen=True):
    """A refill's status as the wire shows it."""

    status: str


class Forced(msgspec.Struct, frozen=True):
    """A status a test pinned on an order; unset fields keep their computed values."""

    status: str | None = None
    remains: int | None = None
    start_count: int | None = None
    charge: Decimal | None = None


@dataclass
class FakeOrder:
    """One order in the book."""

    order_id: int
    service_id: str
    link: str | None
    plan: OrderPlan
    charge: Decimal
    canceled_at: float | None = None
    forced: Forced | None = None
    final_view: StatusView | None = None  # set once the order has ended on its own


@dataclass
class FakeRefill:
    """One refill request in the book."""

    refill_id: int
    order_id: int
    plan: RefillPlan


@dataclass
class OrderBook:
    """Catalog, orders and money of one fake provider account."""

    settings: BookSettings
    catalog: dict[str, ProviderServiceInfo] = field(default_factory=dict)
    orders: dict[int, FakeOrder] = field(default_factory=dict)
    refills: dict[int, FakeRefill] = field(default_factory=dict)
    balance: Decimal = Decimal(0)
    clock_offset: float = 0.0
    add_calls_by_link: Counter[str] = field(default_factory=Counter)
    orders_by_link: Counter[str] = field(default_factory=Counter)
    requests_by_action: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to the starting catalog and balance, with no orders and zeroed counters."""
        self.catalog = {s.external_id: s for s in CATALOG}
        self.orders.clear()
        self.refills.clear()
        self.balance = self.settings.balance
        self.clock_offset = 0.0
        self.add_calls_by_link.clear()
        self.orders_by_link.clear()
        self.requests_by_action.clear()
        self._rng = random.Random(self.settings.seed)
        # Start ids well above 1 so a test mixing up ids and counts notices.
        self._next_order = 23500
        self._next_refill = 5550

    def now(self) -> float:
        """The provider's clock: wall time plus however far tests advanced it."""
        return time.time() + self.clock_offset

    # -- actions ---------------------------------------------------------------------------------------

    def add(self, params: Mapping[str, str]) -> int:
        """Place an order; raises `AddRefused` with PP's message."""
        link = params.get("link")
        self.add_calls_by_link[link or ""] += 1
        service = self.catalog.get(params.get("service", "").strip())
        if service is None:
            raise AddRefused("Incorrect service ID")
        accepted = check_add(service, params)
        if self.settings.reject_duplicate_links and link and self._active_order_on(link, service.external_id):
            raise AddRefused("Active order with this link exists")
        if accepted.charge > self.balance:
            raise AddRefused("Not enough funds on balance")
        self.balance -= accepted.charge
        plan = plan_order(
            created_at=self.now(),
            quantity=accepted.quantity,
            speed=self.settings.speed,
            partial_share=self.settings.partial_share,
            cancel_share=self.settings.cancel_share,
            rng=self._rng,
        )
        self._next_order += 1
        order = FakeOrder(self._next_order, service.external_id, link, plan, accepted.charge)
        self.orders[order.order_id] = order
        self.orders_by_link[link or ""] += 1
        return order.order_id

    def _active_order_on(self, link: str, service_id: str) -> bool:
        return any(
            o.link == link and o.service_id == service_id and not self._progress(o)[0].is_terminal
            for o in self.orders.values()
        )

    def _progress(self, order: FakeOrder) -> tuple[UpstreamStatus, int]:
        progress = progress_at(order.plan, self.now(), canceled_at=order.canceled_at)
        return progress.status, progress.remains

    def status(self, raw_id: str, now: float | None = None) -> StatusView | str:
        """An order's status, or the PP error text for an unknown/malformed id.

        Batches pass one `now` for all their ids; finished orders keep their view, since multi-status
        is the fake's hot path (a benchmark syncs 100,000 orders through it).
        """
        order = self._order(raw_id)
        if order is None:
            return INCORRECT_ORDER
        if order.final_view is not None:
            return order.final_view
        progress = progress_at(order.plan, self.now() if now is None else now, canceled_at=order.canceled_at)
        view = StatusView(
            status=pp_status_text(progress.status),
            charge=charge_now(order.charge, order.plan.quantity, progress),
            start_count=order.plan.start_count,
            remains=progress.remains,
            currency=self.settings.currency,
        )
        forced = order.forced
        if forced is None:
            if progress.status.is_terminal:
                order.final_view = view
            return view
        return StatusView(
            status=forced.status if forced.status is not None else view.status,
            charge=forced.charge if forced.charge is not None else view.charge,
            start_count=forced.start_count if forced.start_count is not None else view.start_count,
            remains=forced.remains if forced.remains is not None else view.remains,
            currency=view.currency,
        )

    def refill(self, raw_id: str) -> int | str:
        """Request a refill; the new refill id, or PP's error text."""
        order = self._order(raw_id)
        if order is None:
            return INCORRECT_ORDER
        service = self.catalog.get(order.service_id)
        if service is None or not service.refill:
            return "Refill is disabled for this service"
        view = self.status(raw_id)
        state = normalise_order_status(view.status if isinstance(view, StatusView) else "")
        if state not in (UpstreamStatus.COMPLETED, UpstreamStatus.PARTIAL):
            return "Order is not completed yet"
        self._next_refill += 1
        plan = plan_refill(created_at=self.now(), speed=self.settings.speed, rng=self._rng)
        self.refills[self._next_refill] = FakeRefill(self._next_refill, order.order_id, plan)
        return self._next_refill

    def refill_status(self, raw_id: str) -> RefillView | str:
        """A refill's status, or the PP error text for an unknown id."""
        refill = self.refills.get(int(raw_id)) if raw_id.strip().isdigit() else None
        if refill is None:
            return REFILL_NOT_FOUND
        status: RefillStatus = refill_status_at(refill.plan, self.now())
        return RefillView(status=pp_status_text(status))

    def cancel(self, raw_id: str) -> bool | str:
        """Cancel an order: True when canceled, False when it cannot be, or the error text."""
        order = self._order(raw_id)
        if order is None:
            return INCORRECT_ORDER
        service = self.catalog.get(order.service_id)
        status, _ = self._progress(order)
        if service is None or not service.cancel or status.is_terminal or order.forced is not None:
            return False
        now = self.now()
        order.canceled_at = now
        final = progress_at(order.plan, now, canceled_at=now)
        self.balance += order.charge - charge_now(order.charge, order.plan.quantity, final)
        return True

    def _order(self, raw_id: str) -> FakeOrder | None:
        try:
            return self.orders.get(int(raw_id))
        except ValueError:
            return None

    # -- test steering -----------------------------------------------------------------------------------

    def force(self, order_id: int, forced: Forced) -> None:
        """Pin an order's status/remains/start_count/charge; `KeyError` for an unknown id."""
        order = self.orders[order_id]
        order.forced = forced
        order.final_view = None

    def set_rate(self, service_id: str, rate: Decimal) -> None:
        """Change a service's rate (restoring it if it was removed); `KeyError` for an unknown id."""
        current = self.catalog.get(service_id) or {s.external_id: s for s in CATALOG}[service_id]
        self.catalog[service_id] = msgspec.structs.replace(current, rate=rate)

    def remove_service(self, service_id: str) -> None:
        """Take a service out of the catalog; `add` for it then fails with "Incorrect service ID"."""
        self.catalog.pop(service_id, None)

    def stats(self) -> dict[str, object]:
        """Counters for tests: add calls and orders per link, requests per action."""
        return {
            "add_calls_by_link": dict(self.add_calls_by_link),
            "orders_by_link": dict(self.orders_by_link),
            "requests_by_action": dict(self.requests_by_action),
            "orders": len(self.orders),
            "balance": str(self.balance),
        }
