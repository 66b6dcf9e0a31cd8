"""Reference §2, "Variations across real providers and clients", second half: reply-shape rows."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from providers.dto import (
    BalanceInfo,
    CancelInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    RefillInfo,
    RefillStatusInfo,
)
from providers.errors import OutcomeUnknown, ProviderRejected, ProviderUnavailable, RejectReason
from providers.status import RefillStatus, UpstreamStatus
from tests.providers.replay import KEY, Scripted, replay

ORDER = OrderRequest("1", link="http://example.com/test", quantity=100)
SERVICE_ITEM = b'{"service": 1, "name": "F", "type": "Default", "category": "C", "rate": "0.90", "min": "50", "max": "100"}'


# -- Status strings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pending", UpstreamStatus.PENDING),
        ("In progress", UpstreamStatus.IN_PROGRESS),
        ("Processing", UpstreamStatus.PROCESSING),
        ("Completed", UpstreamStatus.COMPLETED),
        ("Partial", UpstreamStatus.PARTIAL),
        ("Canceled", UpstreamStatus.CANCELED),
        ("Cancelled", UpstreamStatus.CANCELED),
        ("inprogress", UpstreamStatus.IN_PROGRESS),
        ("in progress", UpstreamStatus.IN_PROGRESS),
        ("Inprogress", UpstreamStatus.IN_PROGRESS),
        ("processing", UpstreamStatus.PROCESSING),
        ("Refunded", UpstreamStatus.REFUNDED),
        ("Active", UpstreamStatus.IN_PROGRESS),
        ("Fail", UpstreamStatus.FAILED),
        ("Error", UpstreamStatus.FAILED),
        ("Partially Completed", UpstreamStatus.PARTIAL),
        ("Awaiting moderation", UpstreamStatus.UNKNOWN),
    ],
)
async def test_status_strings(raw: str, expected: UpstreamStatus) -> None:
    body = json.dumps(
        {
            "1": {
                "charge": "0.27819",
                "start_count": "3572",
                "status": raw,
                "remains": "157",
                "currency": "USD",
            }
        }
    )
    adapter, _ = replay(body.encode())
    info = (await adapter.statuses(["1"]))["1"]
    assert isinstance(info, OrderStatusInfo)
    assert info.status is expected
    assert info.raw_status == raw


# -- Multi-status ------------------------------------------------------------------------------------


async def test_multi_status_canonical_object_with_error_slot() -> None:
    body = b"""{"1": {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD"},
      "10": {"error": "Incorrect order ID"},
      "100": {"charge": "1.44219", "start_count": "234", "status": "In progress", "remains": "10", "currency": "USD"}}"""
    adapter, wire = replay(body)
    result = await adapter.statuses(["1", "10", "100"])
    assert wire.form()["orders"] == "1,10,100"
    assert result == {
        "1": OrderStatusInfo(UpstreamStatus.PARTIAL, "Partial", Decimal("0.27819"), 3572, 157, "USD"),
        "10": ItemError("Incorrect order ID"),
        "100": OrderStatusInfo(UpstreamStatus.IN_PROGRESS, "In progress", Decimal("1.44219"), 234, 10, "USD"),
    }


async def test_multi_status_bare_string_entry() -> None:
    adapter, _ = replay(b'{"1": "Incorrect order ID", "2": {"status": "Completed", "remains": "0"}}')
    result = await adapter.statuses(["1", "2"])
    assert result["1"] == ItemError("Incorrect order ID")
    assert isinstance(result["2"], OrderStatusInfo)


async def test_multi_status_entries_carry_their_own_order_and_no_currency() -> None:
    adapter, _ = replay(
        b'{"7": {"order": "7", "status": "processing", "charge": 1.5, "remains": 3, "start_count": 300}}'
    )
    info = (await adapter.statuses(["7"]))["7"]
    assert info == OrderStatusInfo(UpstreamStatus.PROCESSING, "processing", Decimal("1.5"), 300, 3, None)


async def test_multi_status_clone_error_with_numeric_status_is_an_item_error() -> None:
    adapter, _ = replay(b'{"8": {"error": "Order not found.", "status": "104"}}')
    assert await adapter.statuses(["8"]) == {"8": ItemError("Order not found.")}


# -- Refill ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"refill": "1"}', RefillInfo("1")),
        (b'{"success": "Your order will be refill asap", "refill": 12345}', RefillInfo("12345")),
        (b'{"status": "success", "message": "Refill request accepted"}', RefillInfo(None)),
        (
            b'{"refill": 99, "status": 200, "message": "Refill has been placed successfully!"}',
            RefillInfo("99"),
        ),
    ],
)
async def test_refill_single_variants(body: bytes, expected: RefillInfo) -> None:
    adapter, wire = replay(body, settings={"multi": False})
    assert await adapter.refill(["42"]) == {"42": expected}
    assert wire.form()["order"] == "42"


# -- Refill status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pending", RefillStatus.PENDING),
        ("In progress", RefillStatus.IN_PROGRESS),
        ("Completed", RefillStatus.COMPLETED),
        ("Rejected", RefillStatus.REJECTED),
        ("Error", RefillStatus.FAILED),
        ("pending", RefillStatus.PENDING),
        ("inprogress", RefillStatus.IN_PROGRESS),
        ("completed", RefillStatus.COMPLETED),
        ("rejected", RefillStatus.REJECTED),
    ],
)
async def test_refill_status_strings(raw: str, expected: RefillStatus) -> None:
    adapter, wire = replay(json.dumps([{"refill": 1, "status": raw}]).encode())
    assert await adapter.refill_statuses(["1"]) == {"1": RefillStatusInfo(expected, raw)}
    assert wire.form()["refills"] == "1"


# -- Cancel ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"cancel": "1"}', CancelInfo(True, None)),
        (b'{"status": "success"}', CancelInfo(True, None)),
        (b'{"cancel": 0}', CancelInfo(False, None)),
        (b'{"error": "Order cannot be canceled"}', ItemError("Order cannot be canceled")),
    ],
)
async def test_cancel_singular_order_form(body: bytes, expected: CancelInfo | ItemError) -> None:
    adapter, wire = replay(body, settings={"cancel_form": "order"})
    assert await adapter.cancel(["9", "10"]) == {"9": expected, "10": expected}
    assert [wire.form(i) for i in range(2)] == [
        {"key": KEY, "action": "cancel", "order": "9"},
        {"key": KEY, "action": "cancel", "order": "10"},
    ]


# -- Services envelope -------------------------------------------------------------------------------


async def test_services_wrapped_in_services_key() -> None:
    adapter, _ = replay(b'{"services": [' + SERVICE_ITEM + b"]}")
    assert [s.external_id for s in await adapter.services()] == ["1"]


async def test_services_empty_catalogue_data_string() -> None:
    adapter, _ = replay(b'{"status":"success","data":"Empty Data"}')
    assert await adapter.services() == []


async def test_services_wrapped_in_data_key() -> None:
    adapter, _ = replay(b'{"status": "success", "data": [' + SERVICE_ITEM + b"]}")
    assert len(await adapter.services()) == 1


# -- HTTP codes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, b'{"error": "Bad link"}', RejectReason.BAD_LINK),
        (422, b'{"error": "Quantity less than minimal 200"}', RejectReason.QUANTITY_OUT_OF_RANGE),
        (401, b'{"error": "Incorrect API key"}', RejectReason.BAD_KEY),
        (402, b'{"error": "Not enough funds on balance"}', RejectReason.INSUFFICIENT_FUNDS),
        (404, b'{"error": "Incorrect service ID"}', RejectReason.UNKNOWN_SERVICE),
        (401, b'{"message": "Unauthorized."}', RejectReason.BAD_KEY),
    ],
)
async def test_http_4xx_with_json_error_is_rejected(status: int, body: bytes, reason: RejectReason) -> None:
    adapter, _ = replay(Scripted(body, status=status))
    with pytest.raises(ProviderRejected) as caught:
        await adapter.add_order(ORDER)
    assert caught.value.reason is reason


async def test_http_429_is_unavailable_even_for_add() -> None:
    adapter, wire = replay(Scripted(b'{"error": "Too many requests"}', status=429))
    with pytest.raises(ProviderUnavailable):
        await adapter.add_order(ORDER)
    assert len(wire.requests) == 1


# -- Batch size --------------------------------------------------------------------------------------


async def test_batches_hold_at_most_100_ids() -> None:
    adapter, wire = replay(b"{}")
    ids = [str(i) for i in range(1, 251)]
    assert await adapter.statuses(ids) == {}
    sent = [wire.form(i)["orders"].split(",") for i in range(len(wire.requests))]
    assert [len(chunk) for chunk in sent] == [100, 100, 50]
    assert [i for chunk in sent for i in chunk] == ids


# -- Currency ----------------------------------------------------------------------------------------


async def test_local_currency_amounts_stay_exact() -> None:
    adapter, _ = replay(
        b'[{"service": 3, "name": "IR", "type": "Default", "category": "C", "rate": "95200", "min": "10", "max": "90"}]',
        b'{"3": {"charge": "5400", "start_count": "1", "status": "Completed", "remains": "0", "currency": "UZS"}}',
        b'{"balance": "1250000.50", "currency": "UZS"}',
    )
    assert (await adapter.services())[0].rate == Decimal(95200)
    assert (await adapter.statuses(["3"]))["3"] == OrderStatusInfo(
        UpstreamStatus.COMPLETED, "Completed", Decimal(5400), 1, 0, "UZS"
    )
    assert await adapter.balance() == BalanceInfo(Decimal("1250000.50"), "UZS")


# -- Extra add params --------------------------------------------------------------------------------


async def test_extra_add_params_and_request_id() -> None:
    adapter, wire = replay(
        b'{"order": 1}',
        settings={"extra_add_params": {"is_test": "1", "coupon": "SPRING"}, "request_id_param": "request_id"},
    )
    await adapter.add_order(
        OrderRequest("1", link="http://example.com/test", quantity=100, request_id="order-42")
    )
    assert wire.form() == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "http://example.com/test",
        "quantity": "100",
        "is_test": "1",
        "coupon": "SPRING",
        "request_id": "order-42",
    }


async def test_request_id_is_not_sent_to_plain_panels() -> None:
    adapter, wire = replay(b'{"order": 1}')
    await adapter.add_order(OrderRequest("1", link="http://x", quantity=10, request_id="order-42"))
    assert "request_id" not in wire.form()


# -- Docs pitfalls -----------------------------------------------------------------------------------


async def test_translated_keys_are_an_unusable_catalog_not_an_empty_one() -> None:
    body = '[{"xidmət": 1, "ad": "Followers", "qiymət": "0.90", "dəq": "50", "maks": "10000"}]'.encode()
    adapter, _ = replay(body)
    with pytest.raises(ProviderUnavailable, match="unreadable"):
        await adapter.services()


@pytest.mark.parametrize("body", [b'{"status": Success, "order": 5}', b'{"order": 5,}'])
async def test_invalid_json_is_transient_for_reads_and_unknown_for_add(body: bytes) -> None:
    adapter, _ = replay(body)
    with pytest.raises(ProviderUnavailable):
        await adapter.balance()
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(ORDER)
