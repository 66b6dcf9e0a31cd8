"""The `simulated` provider: realistic catalog, time-based progress that survives a restart."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.dto import CancelInfo, ItemError, OrderRequest, OrderStatusInfo, RefillInfo, RefillStatusInfo
from providers.errors import ProviderRejected, RejectReason
from providers.service_types import ServiceType
from providers.simulated.adapter import SimulatedAdapter
from providers.simulated.codec import decode_order, decode_refill, encode_order
from providers.simulation.catalog import CATALOG
from providers.simulation.progression import OrderPlan, Outcome
from providers.status import RefillStatus, UpstreamStatus
from tests.providers.order_examples import valid_order

DAY = 86400.0


class Clock:
    """A hand-driven clock for the adapter."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def simulated(
    http: httpx.AsyncClient, key: str = "sim-key", **settings: Any
) -> tuple[SimulatedAdapter, Clock]:
    adapter = SimulatedAdapter(
        base_url="simulated://test", api_key=key, http=http, timeout=5, settings=settings
    )
    clock = Clock()
    adapter.clock = clock
    return adapter, clock


def test_catalog_is_realistic() -> None:
    assert {s.type for s in CATALOG} == {t.value for t in ServiceType}
    assert len({s.category for s in CATALOG}) >= 5
    assert {s.refill for s in CATALOG} == {True, False}
    assert {s.cancel for s in CATALOG} == {True, False}
    assert {s.dripfeed for s in CATALOG} == {True, False}
    assert all(isinstance(s.rate, Decimal) and s.external_id.isdigit() for s in CATALOG)


async def test_every_service_type_can_be_ordered(http: httpx.AsyncClient) -> None:
    adapter, _ = simulated(http, balance="100000")
    ids = [(await adapter.add_order(valid_order(s))).provider_order_id for s in await adapter.services()]
    result = await adapter.statuses(ids)
    assert len(result) == len(CATALOG)
    assert all(isinstance(info, OrderStatusInfo) for info in result.values())


async def test_orders_progress_pending_in_progress_completed(http: httpx.AsyncClient) -> None:
    adapter, clock = simulated(http, partial_share=0, cancel_share=0)
    order_id = (
        await adapter.add_order(OrderRequest("1", link="https://x/p", quantity=1000))
    ).provider_order_id
    seen = []
    for _ in range(200):
        info = (await adapter.statuses([order_id]))[order_id]
        assert isinstance(info, OrderStatusInfo)
        seen.append((info.status, info.remains))
        clock.now += 1
    statuses = [s for s, _ in seen]
    assert statuses[0] is UpstreamStatus.PENDING
    assert UpstreamStatus.IN_PROGRESS in statuses
    assert statuses[-1] is UpstreamStatus.COMPLETED
    assert [s for s in dict.fromkeys(statuses)] == [
        UpstreamStatus.PENDING,
        UpstreamStatus.IN_PROGRESS,
        UpstreamStatus.COMPLETED,
    ]
    remains = [r for _, r in seen]
    assert remains == sorted(remains, reverse=True)  # delivery never goes backwards
    assert remains[0] == 1000
    assert remains[-1] == 0


async def test_speed_makes_time_pass_faster(http: httpx.AsyncClient) -> None:
    slow, slow_clock = simulated(http, speed=1, partial_share=0, cancel_share=0)
    fast, fast_clock = simulated(http, speed=100, partial_share=0, cancel_share=0)
    order = OrderRequest("1", link="https://x/speed", quantity=1000)
    slow_id = (await slow.add_order(order)).provider_order_id
    fast_id = (await fast.add_order(order)).provider_order_id
    slow_clock.now += 5
    fast_clock.now += 5
    assert (await slow.statuses([slow_id]))[slow_id].status is UpstreamStatus.PENDING  # type: ignore[union-attr]
    assert (await fast.statuses([fast_id]))[fast_id].status is UpstreamStatus.COMPLETED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ({"partial_share": 1, "cancel_share": 0}, UpstreamStatus.PARTIAL),
        ({"partial_share": 0, "cancel_share": 1}, UpstreamStatus.CANCELED),
        ({"partial_share": 0, "cancel_share": 0}, UpstreamStatus.COMPLETED),
    ],
)
async def test_outcome_shares(
    http: httpx.AsyncClient, shares: dict[str, float], expected: UpstreamStatus
) -> None:
    adapter, clock = simulated(http, **shares)
    order_id = (
        await adapter.add_order(OrderRequest("1", link="https://x/s", quantity=1000))
    ).provider_order_id
    clock.now += DAY
    info = (await adapter.statuses([order_id]))[order_id]
    assert isinstance(info, OrderStatusInfo)
    assert info.status is expected
    full = Decimal("0.90000")
    if expected is UpstreamStatus.PARTIAL:
        assert info.remains is not None
        assert 0 < info.remains < 1000
        assert info.charge == (full * (1000 - info.remains) / 1000).quantize(Decimal("0.00001"))
    elif expected is UpstreamStatus.CANCELED:
        assert (info.remains, info.charge) == (1000, Decimal("0.00000"))
    else:
        assert (info.remains, info.charge) == (0, full)


async def test_partial_and_cancel_shares_are_roughly_honoured(http: httpx.AsyncClient) -> None:
    adapter, clock = simulated(http, partial_share=0.3, cancel_share=0.2, seed=11, balance="100000")
    ids = [
        (await adapter.add_order(OrderRequest("3", link=f"https://x/{i}", quantity=10))).provider_order_id
        for i in range(400)
    ]
    clock.now += DAY
    outcomes = [
        info.status for info in (await adapter.statuses(ids)).values() if isinstance(info, OrderStatusInfo)
    ]
    assert 0.2 < outcomes.count(UpstreamStatus.PARTIAL) / 400 < 0.4
    assert 0.12 < outcomes.count(UpstreamStatus.CANCELED) / 400 < 0.28


async def test_status_survives_a_process_restart(http: httpx.AsyncClient) -> None:
    adapter = SimulatedAdapter(
        base_url="simulated://test",
        api_key="k",
        http=http,
        timeout=5,
        settings={"speed": 1e6, "partial_share": 0, "cancel_share": 0},
    )
    order_id = (
        await adapter.add_order(OrderRequest("1", link="https://x/restart", quantity=500))
    ).provider_order_id
    script = (
        "import asyncio, json, httpx\n"
        "from providers.simulated.adapter import SimulatedAdapter\n"
        "async def main():\n"
        "    async with httpx.AsyncClient() as http:\n"
        "        a = SimulatedAdapter(base_url='simulated://test', api_key='k', http=http, timeout=5)\n"
        f"        info = (await a.statuses([{order_id!r}]))[{order_id!r}]\n"
        "        print(json.dumps([info.status, info.remains, str(info.charge)]))\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == ["completed", 0, "0.45000"]


async def test_balance_goes_down_with_orders_and_up_with_cancels(http: httpx.AsyncClient) -> None:
    adapter, _ = simulated(http, key="balance-key", balance="10.00")
    assert (await adapter.balance()).balance == Decimal("10.00")
    order_id = (
        await adapter.add_order(OrderRequest("1", link="https://x/b", quantity=1000))
    ).provider_order_id
    assert (await adapter.balance()).balance == Decimal("9.10000")
    assert (await adapter.cancel([order_id]))[order_id] == CancelInfo(True, None)
    assert (await adapter.balance()).balance == Decimal("10.00000")
    other, _ = simulated(http, key="another-key", balance="10.00")
    assert (await other.balance()).balance == Decimal("10.00")


async def test_cancel_rules(http: httpx.AsyncClient) -> None:
    adapter, clock = simulated(http, partial_share=0, cancel_share=0)
    pending = (
        await adapter.add_order(OrderRequest("1", link="https://x/c1", quantity=1000))
    ).provider_order_id
    running = (
        await adapter.add_order(OrderRequest("1", link="https://x/c2", quantity=1000))
    ).provider_order_id
    no_cancel = (
        await adapter.add_order(OrderRequest("3", link="https://x/c3", quantity=100))
    ).provider_order_id
    assert (await adapter.cancel([pending]))[pending] == CancelInfo(True, None)
    clock.now += 45
    result = await adapter.cancel([running, no_cancel, "nonsense"])
    assert result == {
        running: CancelInfo(True, None),
        no_cancel: CancelInfo(False, "Order cannot be canceled"),
        "nonsense": ItemError("Incorrect order ID"),
    }
    clock.now += DAY
    after = await adapter.statuses([pending, running])
    assert after[pending].status is UpstreamStatus.CANCELED  # type: ignore[union-attr]
    assert after[running].status is UpstreamStatus.PARTIAL  # type: ignore[union-attr]
    assert 0 < after[running].remains < 1000  # type: ignore[union-attr,operator]
    assert (await adapter.cancel([running]))[running] == CancelInfo(False, "Order cannot be canceled")


async def test_refill_rules_and_refill_progress(http: httpx.AsyncClient) -> None:
    adapter, clock = simulated(http, partial_share=0, cancel_share=0, seed=3)
    refillable = (
        await adapter.add_order(OrderRequest("1", link="https://x/r1", quantity=100))
    ).provider_order_id
    not_refillable = (
        await adapter.add_order(OrderRequest("3", link="https://x/r2", quantity=100))
    ).provider_order_id
    assert (await adapter.refill([refillable]))[refillable] == ItemError("Order is not completed yet")
    clock.now += DAY
    result = await adapter.refill([refillable, not_refillable])
    assert result[not_refillable] == ItemError("Refill is disabled for this service")
    refill = result[refillable]
    assert isinstance(refill, RefillInfo)
    assert refill.provider_refill_id is not None
    refill_id = refill.provider_refill_id
    assert decode_refill(refill_id) is not None
    first = (await adapter.refill_statuses([refill_id]))[refill_id]
    assert first == RefillStatusInfo(RefillStatus.PENDING, "Pending")
    clock.now += DAY
    final = await adapter.refill_statuses([refill_id, "R1.bogus"])
    assert final[refill_id] in (
        RefillStatusInfo(RefillStatus.COMPLETED, "Completed"),
        RefillStatusInfo(RefillStatus.REJECTED, "Rejected"),
    )
    assert final["R1.bogus"] == ItemError("Refill not found")


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (OrderRequest("999", link="https://x", quantity=100), RejectReason.UNKNOWN_SERVICE),
        (OrderRequest("1", link="https://x", quantity=10), RejectReason.QUANTITY_OUT_OF_RANGE),
        (OrderRequest("1", link="https://x", quantity=10001), RejectReason.QUANTITY_OUT_OF_RANGE),
        (OrderRequest("1", link="not a link", quantity=100), RejectReason.BAD_LINK),
        (OrderRequest("1", quantity=100), RejectReason.BAD_LINK),
        (OrderRequest("1", link="https://x", quantity=10000), RejectReason.INSUFFICIENT_FUNDS),
        (OrderRequest("3", link="https://x", quantity=100, runs=3, interval=5), None),
        (OrderRequest("2", link="https://x", quantity=100, runs=3, interval=5), RejectReason.OTHER),
        (OrderRequest("5", link="https://x"), RejectReason.OTHER),
    ],
)
async def test_add_rules(http: httpx.AsyncClient, order: OrderRequest, reason: RejectReason | None) -> None:
    adapter, _ = simulated(http, key=f"rules-{order}", balance="5.00")
    if reason is None:
        assert (await adapter.add_order(order)).provider_order_id
        return
    with pytest.raises(ProviderRejected) as caught:
        await adapter.add_order(order)
    assert caught.value.reason is reason


@pytest.mark.parametrize(
    "settings",
    [
        {"speed": 0},
        {"partial_share": 0.7, "cancel_share": 0.5},
        {"balance": "lots"},
        {"balance": "-1"},
        {"unknown": 1},
        {"speed": "fast"},
    ],
)
def test_bad_settings_are_refused_clearly(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="invalid settings for adapter 'simulated'"):
        SimulatedAdapter.validate_settings(settings)


@given(
    created=st.floats(1.6e9, 2.5e9),
    pending=st.floats(0, 1e5),
    running=st.floats(0, 1e6),
    quantity=st.integers(1, 10**9),
    outcome=st.sampled_from(Outcome),
    percent=st.integers(10, 90),
    start=st.integers(0, 10**6),
    units=st.integers(0, 10**12),
    nonce=st.integers(0, 2**40),
)
def test_order_ids_round_trip(
    created: float,
    pending: float,
    running: float,
    quantity: int,
    outcome: Outcome,
    percent: int,
    start: int,
    units: int,
    nonce: int,
) -> None:
    plan = OrderPlan(created, pending, running, quantity, outcome, percent, start)
    charge = units * Decimal("0.00001")
    decoded = decode_order(encode_order("17", plan, charge, nonce))
    assert decoded is not None
    assert decoded.service_id == "17"
    assert decoded.charge == charge
    assert decoded.plan.quantity == quantity
    assert decoded.plan.outcome is outcome
    assert abs(decoded.plan.created_at - created) <= 0.0005


@pytest.mark.parametrize(
    "garbage", ["", "23501", "S1.1.2.3", "S1.x.1.1.1.1.c50.1.1.1", "S1.1.1.1.1.1.q50.1.1.1"]
)
def test_foreign_ids_are_not_decoded(garbage: str) -> None:
    assert decode_order(garbage) is None
