"""Pure order rules: states, what customers see, monotonic transitions, charges and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.money import THOUSAND, ZERO, amount, amount_down, to_decimal
from providers.status import UpstreamStatus


class OrderState(StrEnum):
    """Internal order states (DESIGN.md, "Orders")."""

    QUEUED = "queued"
    SUBMITTING = "submitting"
    UNKNOWN = "unknown"
    PENDING = "pending"
    PROCESSING = "processing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"
    CANCELED = "canceled"


TERMINAL_STATES = frozenset({OrderState.COMPLETED, OrderState.PARTIAL, OrderState.CANCELED})
ACCEPTED_STATES = frozenset({OrderState.PENDING, OrderState.PROCESSING, OrderState.IN_PROGRESS})

PUBLIC_STATUS: dict[OrderState, str] = {
    OrderState.QUEUED: "Pending",
    OrderState.SUBMITTING: "Pending",
    OrderState.UNKNOWN: "Pending",
    OrderState.PENDING: "Pending",
    OrderState.PROCESSING: "Processing",
    OrderState.IN_PROGRESS: "In progress",
    OrderState.COMPLETED: "Completed",
    OrderState.PARTIAL: "Partial",
    OrderState.CANCELED: "Canceled",
}

ALLOWED_TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    # Canceled before dispatch (customer cancel, service withdrawn).
    OrderState.QUEUED: frozenset({OrderState.SUBMITTING, OrderState.CANCELED}),
    # Back to queued only when nothing was sent; unknown when the outcome is not known.
    OrderState.SUBMITTING: frozenset(
        {OrderState.QUEUED, OrderState.PENDING, OrderState.UNKNOWN, OrderState.CANCELED}
    ),
    # Only an admin moves an order out of unknown: found upstream, resent, or refunded.
    OrderState.UNKNOWN: frozenset({OrderState.PENDING, OrderState.QUEUED, OrderState.CANCELED}),
    OrderState.PENDING: frozenset(
        {
            OrderState.PROCESSING,
            OrderState.IN_PROGRESS,
            OrderState.COMPLETED,
            OrderState.PARTIAL,
            OrderState.CANCELED,
        }
    ),
    OrderState.PROCESSING: frozenset(
        {OrderState.IN_PROGRESS, OrderState.COMPLETED, OrderState.PARTIAL, OrderState.CANCELED}
    ),
    OrderState.IN_PROGRESS: frozenset({OrderState.COMPLETED, OrderState.PARTIAL, OrderState.CANCELED}),
    OrderState.COMPLETED: frozenset(),
    OrderState.PARTIAL: frozenset(),
    OrderState.CANCELED: frozenset(),
}

# What an upstream status means for an order that the provider has accepted. A provider that reports
# Fail/Error did not deliver and did not keep the money, so the order is canceled and refunded.
UPSTREAM_TO_STATE: dict[UpstreamStatus, OrderState] = {
    UpstreamStatus.PENDING: OrderState.PENDING,
    UpstreamStatus.PROCESSING: OrderState.PROCESSING,
    UpstreamStatus.IN_PROGRESS: OrderState.IN_PROGRESS,
    UpstreamStatus.COMPLETED: OrderState.COMPLETED,
    UpstreamStatus.PARTIAL: OrderState.PARTIAL,
    UpstreamStatus.CANCELED: OrderState.CANCELED,
    UpstreamStatus.REFUNDED: OrderState.CANCELED,
    UpstreamStatus.FAILED: OrderState.CANCELED,
}


class RefillState(StrEnum):
    """A refill request's life: waiting to be forwarded, at the provider, and its outcome."""

    REQUESTED = "requested"
    SUBMITTING = "submitting"
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"
    UNKNOWN = "unknown"


class CancelState(StrEnum):
    """A cancel request's life. Accepted means the provider took the request, not that it canceled."""

    REQUESTED = "requested"
    SUBMITTING = "submitting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


def can_transition(current: OrderState, new: OrderState) -> bool:
    """Whether an order may move from `current` to `new`."""
    return new in ALLOWED_TRANSITIONS[current]


@dataclass(frozen=True)
class StatusUpdate:
    """The outcome of applying an upstream status: the new state (or None to stay) and whether to flag."""

    new_state: OrderState | None
    flagged: bool


def apply_upstream_status(current: OrderState, upstream: UpstreamStatus) -> StatusUpdate:
    """Map a normalised upstream status onto an order monotonically.

    Terminal orders never change; a status that would move the order backwards (In progress → Pending)
    is ignored; an unknown status changes nothing and flags the order for a human.
    """
    if current in TERMINAL_STATES:
        return StatusUpdate(None, flagged=False)
    target = UPSTREAM_TO_STATE.get(upstream)
    if target is None:
        return StatusUpdate(None, flagged=True)
    if target == current or not can_transition(current, target):
        return StatusUpdate(None, flagged=False)
    return StatusUpdate(target, flagged=False)


def billable_units(*, quantity: int, runs: int | None = None, is_package: bool = False) -> int:
    """Units the customer pays for: 1 for a package, quantity × runs for drip-feed, else quantity."""
    if is_package:
        return 1
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    if runs is not None:
        if runs <= 0:
            raise ValueError("runs must be positive")
        return quantity * runs
    return quantity


def order_charge(rate: Decimal, units: int, *, is_package: bool = False) -> Decimal:
    """What an order costs the customer: rate × units / 1000 (a package costs its rate)."""
    rate = to_decimal(rate)
    if rate < 0:
        raise ValueError("a rate cannot be negative")
    if is_package:
        return amount(rate)
    return amount(rate * units / THOUSAND)


def partial_refund(charge: Decimal, units: int, remains: int | None) -> Decimal:
    """The refund for an order that delivered all but `remains` of its `units`.

    `remains` is clamped to [0, units]; the result is rounded down, so it never exceeds the charge.
    """
    charge = to_decimal(charge)
    if units <= 0:
        raise ValueError("units must be positive")
    if remains is None or remains <= 0 or charge <= ZERO:
        return amount_down(ZERO)
    remains = min(remains, units)
    return min(amount_down(charge * remains / units), amount_down(charge))


def refund_for_final_state(state: OrderState, charge: Decimal, units: int, remains: int | None) -> Decimal:
    """The total refund owed when an order reaches a terminal state."""
    if state is OrderState.CANCELED:
        return amount_down(charge)
    if state is OrderState.PARTIAL:
        return partial_refund(charge, units, remains)
    return amount_down(ZERO)
