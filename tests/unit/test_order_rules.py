"""core.orders.domain: states, transitions, charges and refunds (pure, no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.orders.domain import (
    ACCEPTED_STATES,
    PUBLIC_STATUS,
    TERMINAL_STATES,
    OrderState,
    apply_upstream_status,
    billable_units,
    can_transition,
    order_charge,
    partial_refund,
    refund_for_final_state,
)
from providers.status import UpstreamStatus, normalise_order_status


def test_public_statuses_are_the_six_of_perfect_panel() -> None:
    assert set(PUBLIC_STATUS.values()) == {
        "Pending",
        "Processing",
        "In progress",
        "Completed",
        "Partial",
        "Canceled",
    }
    assert PUBLIC_STATUS[OrderState.UNKNOWN] == "Pending"
    assert PUBLIC_STATUS[OrderState.SUBMITTING] == "Pending"


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATES))
@pytest.mark.parametrize("target", list(OrderState))
def test_terminal_orders_never_change(terminal: OrderState, target: OrderState) -> None:
    assert not can_transition(terminal, target)


def test_unknown_is_left_only_by_an_admin_decision() -> None:
    assert can_transition(OrderState.UNKNOWN, OrderState.PENDING)
    assert can_transition(OrderState.UNKNOWN, OrderState.QUEUED)
    assert can_transition(OrderState.UNKNOWN, OrderState.CANCELED)
    assert not can_transition(OrderState.UNKNOWN, OrderState.SUBMITTING)


@pytest.mark.parametrize(
    ("raw", "current", "expected"),
    [
        ("Completed", OrderState.PENDING, OrderState.COMPLETED),
        ("In progress", OrderState.PENDING, OrderState.IN_PROGRESS),
        ("inprogress", OrderState.PROCESSING, OrderState.IN_PROGRESS),
        ("Partial", OrderState.IN_PROGRESS, OrderState.PARTIAL),
        ("Cancelled", OrderState.PENDING, OrderState.CANCELED),
        ("Refunded", OrderState.IN_PROGRESS, OrderState.CANCELED),
        ("Fail", OrderState.PENDING, OrderState.CANCELED),
        ("Pending", OrderState.IN_PROGRESS, None),  # never backwards
        ("Processing", OrderState.IN_PROGRESS, None),
        ("In progress", OrderState.IN_PROGRESS, None),  # no change
        ("Completed", OrderState.CANCELED, None),  # terminal stays terminal
        ("Partial", OrderState.COMPLETED, None),
    ],
)
def test_upstream_status_applies_monotonically(
    raw: str, current: OrderState, expected: OrderState | None
) -> None:
    update = apply_upstream_status(current, normalise_order_status(raw))
    assert update.new_state == expected
    assert not update.flagged


def test_unknown_upstream_status_is_flagged_and_changes_nothing() -> None:
    update = apply_upstream_status(OrderState.IN_PROGRESS, normalise_order_status("Wobbling"))
    assert update.new_state is None
    assert update.flagged


def test_every_upstream_status_is_handled_from_every_accepted_state() -> None:
    for state in ACCEPTED_STATES:
        for upstream in UpstreamStatus:
            update = apply_upstream_status(state, upstream)
            assert update.new_state is None or can_transition(state, update.new_state)


def test_charge_default_package_and_dripfeed() -> None:
    assert order_charge(Decimal("0.90"), 1000) == Decimal("0.90000")
    assert order_charge(Decimal("1.234567"), 3) == Decimal("0.00370")
    assert order_charge(
        Decimal("5"), billable_units(quantity=1, is_package=True), is_package=True
    ) == Decimal("5.00000")
    assert billable_units(quantity=100, runs=5) == 500
    assert order_charge(Decimal("2"), billable_units(quantity=100, runs=5)) == Decimal("1.00000")


def test_charge_refuses_floats_and_negative_rates() -> None:
    with pytest.raises(TypeError):
        order_charge(0.9, 1000)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        order_charge(Decimal("-1"), 10)


def test_partial_refund_is_proportional_and_clamped() -> None:
    assert partial_refund(Decimal("1.00000"), 1000, 157) == Decimal("0.15700")
    assert partial_refund(Decimal("1.00000"), 1000, 5000) == Decimal("1.00000")
    assert partial_refund(Decimal("1.00000"), 1000, -3) == Decimal("0.00000")
    assert partial_refund(Decimal("1.00000"), 1000, None) == Decimal("0.00000")
    assert partial_refund(Decimal("0.00001"), 3, 1) == Decimal("0.00000")  # rounds down, never up


def test_final_state_refunds() -> None:
    assert refund_for_final_state(OrderState.CANCELED, Decimal("2.50000"), 100, 7) == Decimal("2.50000")
    assert refund_for_final_state(OrderState.PARTIAL, Decimal("2.50000"), 100, 10) == Decimal("0.25000")
    assert refund_for_final_state(OrderState.COMPLETED, Decimal("2.50000"), 100, 10) == Decimal("0.00000")


rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=6, allow_nan=False)
quantities = st.integers(min_value=1, max_value=10_000_000)


@given(rate=rates, quantity=quantities, remains=st.integers(min_value=-1000, max_value=20_000_000))
def test_a_refund_never_exceeds_the_charge(rate: Decimal, quantity: int, remains: int) -> None:
    charge = order_charge(rate, quantity)
    refund = partial_refund(charge, quantity, remains)
    assert Decimal(0) <= refund <= charge
    assert charge - refund >= 0
    assert refund == refund.quantize(Decimal("0.00001"))


@given(rate=rates, quantity=quantities, remains=st.integers(min_value=0, max_value=10_000_000))
def test_refund_is_within_one_unit_of_the_exact_share(rate: Decimal, quantity: int, remains: int) -> None:
    charge = order_charge(rate, quantity)
    refund = partial_refund(charge, quantity, remains)
    exact = charge * min(remains, quantity) / quantity
    assert exact - Decimal("0.00001") < refund <= exact


@given(rate=rates, quantity=quantities)
def test_charge_is_five_places_and_within_half_a_unit(rate: Decimal, quantity: int) -> None:
    charge = order_charge(rate, quantity)
    assert charge == charge.quantize(Decimal("0.00001"))
    assert abs(charge - rate * quantity / 1000) <= Decimal("0.000005")
