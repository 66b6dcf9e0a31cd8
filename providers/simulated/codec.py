"""Simulated order and refill ids that carry their own future.

The panel stores provider ids and asks for their status after a restart; a simulated provider has no
database, so each id encodes the order's plan (creation time, durations, quantity, outcome, charge). Status
is then a pure function of the id and the clock. Fields are base 36 and joined with dots; times are
milliseconds and the charge is in units of 0.00001.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from providers.simulation.ordering import AMOUNT_STEP
from providers.simulation.progression import OrderPlan, Outcome, RefillPlan

_ORDER_TAG = "S1"
_REFILL_TAG = "R1"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _b36(number: int) -> str:
    if number < 0:
        raise ValueError("negative numbers are not encoded")
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


def _int36(text: str) -> int:
    if not text or any(c not in _DIGITS for c in text):
        raise ValueError(f"not base 36: {text!r}")
    return int(text, 36)


def _ms(seconds: float) -> str:
    return _b36(max(0, round(seconds * 1000)))


class SimulatedOrder(msgspec.Struct, frozen=True):
    """Everything the simulated provider knows about an order, recovered from its id."""

    service_id: str
    plan: OrderPlan
    charge: Decimal


def encode_order(service_id: str, plan: OrderPlan, charge: Decimal, nonce: int) -> str:
    """The provider order id for a new simulated order."""
    if not service_id.isdigit():
        raise ValueError("simulated service ids are digits")
    units = int((charge / AMOUNT_STEP).to_integral_value())
    parts = [
        _ORDER_TAG,
        service_id,
        _ms(plan.created_at),
        _ms(plan.pending_for),
        _ms(plan.running_for),
        _b36(plan.quantity),
        f"{plan.outcome.value}{plan.delivered_percent:02d}",
        _b36(units),
        _b36(plan.start_count),
        _b36(nonce),
    ]
    return ".".join(parts)


def decode_order(order_id: str) -> SimulatedOrder | None:
    """The order behind a simulated id, or None when the id is not one of ours."""
    parts = order_id.strip().split(".")
    if len(parts) != 10 or parts[0] != _ORDER_TAG or not parts[1].isdigit():
        return None
    try:
        outcome = Outcome(parts[6][:1])
        percent = int(parts[6][1:])
        plan = OrderPlan(
            created_at=_int36(parts[2]) / 1000,
            pending_for=_int36(parts[3]) / 1000,
            running_for=_int36(parts[4]) / 1000,
            quantity=_int36(parts[5]),
            outcome=outcome,
            delivered_percent=percent,
            start_count=_int36(parts[8]),
        )
        charge = _int36(parts[7]) * AMOUNT_STEP
        _int36(parts[9])
    except ValueError:
        return None
    return SimulatedOrder(service_id=parts[1], plan=plan, charge=charge)


def encode_refill(plan: RefillPlan, nonce: int) -> str:
    """The provider refill id for a new simulated refill."""
    verdict = "r" if plan.rejected else "c"
    parts = [_REFILL_TAG, _ms(plan.created_at), _ms(plan.pending_for), _ms(plan.running_for), verdict]
    return ".".join([*parts, _b36(nonce)])


def decode_refill(refill_id: str) -> RefillPlan | None:
    """The refill behind a simulated refill id, or None when the id is not one of ours."""
    parts = refill_id.strip().split(".")
    if len(parts) != 6 or parts[0] != _REFILL_TAG or parts[4] not in ("c", "r"):
        return None
    try:
        plan = RefillPlan(
            created_at=_int36(parts[1]) / 1000,
            pending_for=_int36(parts[2]) / 1000,
            running_for=_int36(parts[3]) / 1000,
            rejected=parts[4] == "r",
        )
        _int36(parts[5])
    except ValueError:
        return None
    return plan
