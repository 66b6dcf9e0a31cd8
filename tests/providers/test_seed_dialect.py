"""Reference §0: the seed's documented shapes, byte for byte, through the `testedsmm` adapter."""

from __future__ import annotations

from decimal import Decimal

from providers.dto import (
    BalanceInfo,
    CancelInfo,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
    RefillInfo,
    RefillStatusInfo,
)
from providers.registry import load_adapters
from providers.smmv2.testedsmm import TestedSmmAdapter
from providers.status import RefillStatus, UpstreamStatus
from tests.providers.replay import KEY, Replay, replay


def seed(*bodies: bytes, settings: dict[str, object] | None = None) -> tuple[TestedSmmAdapter, Replay]:
    url = TestedSmmAdapter.default_base_url or ""
    return replay(*bodies, adapter_class=TestedSmmAdapter, url=url, settings=settings)


def test_testedsmm_defaults_to_the_seed_base_url() -> None:
    assert TestedSmmAdapter.default_base_url == "https://account.testedsmmapi.com/api/v2"
    assert load_adapters().get("testedsmm") is TestedSmmAdapter


async def test_services_numbers_for_min_max_and_no_type_or_flags() -> None:
    adapter, wire = seed(
        b'[\n{\n"service": 1,\n"name": "Instagram Likes",\n"rate": "0.90",\n"min": 10,\n"max": 10000,\n'
        b'"category": "Instagram"\n}\n]'
    )
    assert await adapter.services() == [
        ProviderServiceInfo(
            "1",
            "Instagram Likes",
            "Default",
            "Instagram",
            Decimal("0.90"),
            10,
            10000,
            False,
            False,
            False,
            None,
        )
    ]
    assert str(wire.requests[0].url) == "https://account.testedsmmapi.com/api/v2"
    assert wire.form() == {"key": KEY, "action": "services"}


async def test_add_order() -> None:
    adapter, wire = seed(b'{\n"order": 12345\n}')
    placed = await adapter.add_order(OrderRequest("1", link="http://example.com", quantity=100))
    assert placed == PlacedOrder("12345")
    assert wire.form() == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "http://example.com",
        "quantity": "100",
    }


async def test_single_status_shape_through_the_partial_follow_up() -> None:
    # The multi-status list only has order and status; a Partial needs remains, so the adapter asks the
    # single-order status, which the seed documents with every field.
    adapter, wire = seed(
        b'[\n{"order": 1, "status": "Completed"},\n{"order": 2, "status": "Partial"}\n]',
        b'{\n"status": "Partial",\n"charge": "1.00",\n"start_count": "0",\n"remains": "40",\n"currency": "USD"\n}',
    )
    result = await adapter.statuses(["1", "2"])
    assert result == {
        "1": OrderStatusInfo(UpstreamStatus.COMPLETED, "Completed", None, None, None, None),
        "2": OrderStatusInfo(UpstreamStatus.PARTIAL, "Partial", Decimal("1.00"), 0, 40, "USD"),
    }
    assert wire.form(0) == {"key": KEY, "action": "status", "orders": "1,2"}
    assert wire.form(1) == {"key": KEY, "action": "status", "order": "2"}


async def test_multi_status_list() -> None:
    adapter, _ = seed(b'[\n{"order": 1, "status": "Completed"},\n{"order": 2, "status": "In progress"}\n]')
    result = await adapter.statuses(["1", "2"])
    assert {k: v.status for k, v in result.items() if isinstance(v, OrderStatusInfo)} == {
        "1": UpstreamStatus.COMPLETED,
        "2": UpstreamStatus.IN_PROGRESS,
    }


async def test_single_refill_number() -> None:
    adapter, wire = seed(b'{\n"refill": 5555\n}', settings={"multi": False})
    assert await adapter.refill(["7"]) == {"7": RefillInfo("5555")}
    assert wire.form() == {"key": KEY, "action": "refill", "order": "7"}


async def test_multi_refill_list() -> None:
    adapter, wire = seed(b'[\n{"order": 1, "refill": 101},\n{"order": 2, "refill": 102}\n]')
    assert await adapter.refill(["1", "2"]) == {"1": RefillInfo("101"), "2": RefillInfo("102")}
    assert wire.form()["orders"] == "1,2"


async def test_refill_status_single_and_multi() -> None:
    adapter, wire = seed(
        b'[\n{"refill": 101, "status": "Completed"},\n{"refill": 102, "status": "Pending"}\n]',
    )
    assert await adapter.refill_statuses(["101", "102"]) == {
        "101": RefillStatusInfo(RefillStatus.COMPLETED, "Completed"),
        "102": RefillStatusInfo(RefillStatus.PENDING, "Pending"),
    }
    assert wire.form() == {"key": KEY, "action": "refill_status", "refills": "101,102"}
    single, wire = seed(b'{\n"status": "Completed"\n}', settings={"multi": False})
    assert await single.refill_statuses(["101"]) == {
        "101": RefillStatusInfo(RefillStatus.COMPLETED, "Completed")
    }
    assert wire.form() == {"key": KEY, "action": "refill_status", "refill": "101"}


async def test_cancel_canceled_true_false() -> None:
    adapter, wire = seed(b'[\n{"order": 1, "canceled": true},\n{"order": 2, "canceled": false}\n]')
    assert await adapter.cancel(["1", "2"]) == {"1": CancelInfo(True, None), "2": CancelInfo(False, None)}
    assert wire.form() == {"key": KEY, "action": "cancel", "orders": "1,2"}


async def test_balance() -> None:
    adapter, _ = seed(b'{\n"balance": "25.50",\n"currency": "USD"\n}')
    assert await adapter.balance() == BalanceInfo(Decimal("25.50"), "USD")


async def test_a_failed_partial_follow_up_keeps_the_batch_answer() -> None:
    adapter, _ = seed(b'[{"order": 2, "status": "Partial"}]', b'{"error": "Incorrect order ID"}')
    assert await adapter.statuses(["2"]) == {
        "2": OrderStatusInfo(UpstreamStatus.PARTIAL, "Partial", None, None, None, None)
    }


async def test_the_partial_follow_up_can_be_switched_off() -> None:
    adapter, wire = seed(b'[{"order": 2, "status": "Partial"}]', settings={"fill_partial_remains": False})
    assert (await adapter.statuses(["2"]))["2"] == OrderStatusInfo(
        UpstreamStatus.PARTIAL, "Partial", None, None, None, None
    )
    assert len(wire.requests) == 1
