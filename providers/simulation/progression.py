"""How a simulated order moves through time: Pending, then In progress, then its planned outcome.

Everything is a pure function of an `OrderPlan` and the current time, so the simulated adapter can rebuild
an order's state from its id after a restart, and tests can move time forward without sleeping.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import msgspec

from providers.simulation.ordering import AMOUNT_STEP
from providers.status import RefillStatus, UpstreamStatus

PENDING_SECONDS = 20.0  # before a real provider starts an order
SECONDS_PER_UNIT = 0.05  # 1000 units take about a minute at speed 1
MAX_RUN_SECONDS = 3 * 3600.0


class Outcome(StrEnum):
    """How an order will end unless someone cancels it first."""

    COMPLETED = "c"
    PARTIAL = "p"
    CANCELED = "x"


class OrderPlan(msgspec.Struct, frozen=True):
    """An order's whole future, fixed when it is placed. Times are Unix seconds."""

    created_at: float
    pending_for: float
    running_for: float
    quantity: int
    outcome: Outcome
    delivered_percent: int  # of quantity, for PARTIAL outcomes (1..99)
    start_count: int


class Progress(msgspec.Struct, frozen=True):
    """An order's state at one moment."""

    status: UpstreamStatus
    remains: int


def plan_order(
    *,
    created_at: float,
    quantity: int,
    speed: float,
    partial_share: float,
    cancel_share: float,
    rng: random.Random,
) -> OrderPlan:
    """Draw an order's future: durations shrink with `speed`, outcomes follow the configured shares."""
    roll = rng.random()
    if roll < cancel_share:
        outcome = Outcome.CANCELED
    elif roll < cancel_share + partial_share:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.COMPLETED
    run = min(MAX_RUN_SECONDS, 10.0 + quantity * SECONDS_PER_UNIT)
    return OrderPlan(
        created_at=created_at,
        pending_for=PENDING_SECONDS * (0.5 + rng.random()) / speed,
        running_for=run * (0.8 + 0.4 * rng.random()) / speed,
        quantity=quantity,
        outcome=outcome,
        delivered_percent=rng.randint(10, 90),
        start_count=rng.randint(0, 5000),
    )


def _target(plan: OrderPlan) -> int:
    """Units that will be delivered when the order ends on its own."""
    if plan.outcome is Outcome.COMPLETED:
        return plan.quantity
    if plan.outcome is Outcome.CANCELED:
        return 0
    return min(plan.quantity - 1, max(1, plan.quantity * plan.delivered_percent // 100))


def progress_at(plan: OrderPlan, now: float, *, canceled_at: float | None = None) -> Progress:
    """The order's status and remains at `now`; a cancel at `canceled_at` freezes delivery there."""
    if canceled_at is not None and canceled_at <= now:
        frozen = progress_at(plan, canceled_at)
        if frozen.status.is_terminal:
            return frozen
        delivered = plan.quantity - frozen.remains
        status = UpstreamStatus.PARTIAL if delivered > 0 else UpstreamStatus.CANCELED
        return Progress(status=status, remains=frozen.remains)
    elapsed = now - plan.created_at
    if elapsed < plan.pending_for:
        return Progress(status=UpstreamStatus.PENDING, remains=plan.quantity)
    if plan.outcome is Outcome.CANCELED:
        return Progress(status=UpstreamStatus.CANCELED, remains=plan.quantity)
    target = _target(plan)
    running = elapsed - plan.pending_for
    if running < plan.running_for:
        delivered = int(target * running / plan.running_for)
        return Progress(status=UpstreamStatus.IN_PROGRESS, remains=plan.quantity - delivered)
    final = UpstreamStatus.COMPLETED if plan.outcome is Outcome.COMPLETED else UpstreamStatus.PARTIAL
    return Progress(status=final, remains=plan.quantity - target)


def charge_now(charge: Decimal, quantity: int, progress: Progress) -> Decimal:
    """What the provider reports as `charge`: the full price, reduced pro rata once an order ends short."""
    if progress.status is UpstreamStatus.CANCELED:
        return Decimal("0.00000")
    if progress.status is UpstreamStatus.PARTIAL and quantity > 0:
        delivered = quantity - progress.remains
        return (charge * delivered / quantity).quantize(AMOUNT_STEP, ROUND_HALF_UP)
    return charge


class RefillPlan(msgspec.Struct, frozen=True):
    """A refill's future: pending, running, then completed or rejected."""

    created_at: float
    pending_for: float
    running_for: float
    rejected: bool


def plan_refill(*, created_at: float, speed: float, rng: random.Random) -> RefillPlan:
    """Draw a refill's future; about one in ten is rejected, as real providers do."""
    return RefillPlan(
        created_at=created_at,
        pending_for=30.0 * (0.5 + rng.random()) / speed,
        running_for=120.0 * (0.5 + rng.random()) / speed,
        rejected=rng.random() < 0.1,
    )


def refill_status_at(plan: RefillPlan, now: float) -> RefillStatus:
    """The refill's status at `now`."""
    elapsed = now - plan.created_at
    if elapsed < plan.pending_for:
        return RefillStatus.PENDING
    if plan.rejected:
        return RefillStatus.REJECTED
    if elapsed < plan.pending_for + plan.running_for:
        return RefillStatus.IN_PROGRESS
    return RefillStatus.COMPLETED


_PP_TEXT: dict[str, str] = {
    UpstreamStatus.PENDING: "Pending",
    UpstreamStatus.PROCESSING: "Processing",
    UpstreamStatus.IN_PROGRESS: "In progress",
    UpstreamStatus.COMPLETED: "Completed",
    UpstreamStatus.PARTIAL: "Partial",
    UpstreamStatus.CANCELED: "Canceled",
    UpstreamStatus.REFUNDED: "Refunded",
    UpstreamStatus.FAILED: "Fail",
}


def pp_status_text(status: UpstreamStatus | RefillStatus) -> str:
    """How a Perfect Panel spells a status on the wire (`In progress`, `Canceled`, ...)."""
    text = _PP_TEXT.get(status)
    if text is not None:
        return text
    return "In progress" if status is RefillStatus.IN_PROGRESS else status.value.capitalize()
