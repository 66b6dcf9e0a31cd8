"""Reference §2, "Variations across real providers and clients", first half: request-side rows and
scalar types. The reply-shape rows are in test_wire_variations_replies.py. Every row, as exact bytes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from providers.dto import (
    BalanceInfo,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
)
from providers.status import UpstreamStatus
from tests.providers.replay import KEY, replay

ORDER = OrderRequest("1", link="http://example.com/test", quantity=100)
SERVICE_ITEM = b'{"service": 1, "name": "F", "type": "Default", "category": "C", "rate": "0.90", "min": "50", "max": "100"}'


# -- Endpoint ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://panel.example/api/v2",
        "https://smmpanel.example/api/v1",
        "https://smmraja.example/api/v3",
        "https://hrgram.example/api/v2/",
        "https://panel.example/api/v2?lang=en",
    ],
)
async def test_endpoint_is_used_exactly_as_configured(url: str) -> None:
    adapter, wire = replay(b'{"balance": "1.00", "currency": "USD"}', url=url)
    await adapter.balance()
    assert str(wire.requests[0].url) == url


# -- Transport ---------------------------------------------------------------------------------------


async def test_transport_canonical_is_a_form_post() -> None:
    adapter, wire = replay(b'{"balance": "1.00", "currency": "USD"}')
    await adapter.balance()
    request = wire.requests[0]
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == f"key={KEY}&action=balance".encode()


async def test_transport_get_query_string() -> None:
    adapter, wire = replay(b'{"order": 23501}', settings={"method": "GET"})
    await adapter.add_order(ORDER)
    request = wire.requests[0]
    assert request.method == "GET"
    assert request.content == b""
    assert wire.form() == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "http://example.com/test",
        "quantity": "100",
    }


async def test_transport_json_body() -> None:
    adapter, wire = replay(b'{"order": 23501}', settings={"body": "json"})
    await adapter.add_order(ORDER)
    request = wire.requests[0]
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "http://example.com/test",
        "quantity": "100",
    }


# -- Auth/param names --------------------------------------------------------------------------------


async def test_param_names_api_instead_of_key() -> None:
    adapter, wire = replay(b'{"balance": "1.00", "currency": "USD"}', settings={"key_param": "api"})
    await adapter.balance()
    assert wire.form() == {"api": KEY, "action": "balance"}


@pytest.mark.parametrize("name", ["order", "id", "order_id"])
async def test_param_names_single_order(name: str) -> None:
    adapter, wire = replay(
        b'{"charge": "1", "start_count": "1", "status": "Pending", "remains": "5", "currency": "USD"}',
        settings={"order_param": name, "multi": False},
    )
    result = await adapter.statuses(["77"])
    assert wire.form()[name] == "77"
    assert isinstance(result["77"], OrderStatusInfo)


async def test_param_names_url_instead_of_link() -> None:
    adapter, wire = replay(b'{"order": 5}', settings={"link_param": "url"})
    await adapter.add_order(ORDER)
    assert wire.form()["url"] == "http://example.com/test"
    assert "link" not in wire.form()


# -- Number types ------------------------------------------------------------------------------------


async def test_numbers_service_id_as_string() -> None:
    body = b'[{"service": "1", "name": "F", "type": "Default", "category": "C", "rate": "0.90", "min": "50", "max": "100"}]'
    adapter, _ = replay(body)
    assert (await adapter.services())[0].external_id == "1"


async def test_numbers_order_id_as_string() -> None:
    adapter, _ = replay(b'{"order": "23501"}')
    assert await adapter.add_order(ORDER) == PlacedOrder("23501")


async def test_numbers_rate_as_json_number() -> None:
    body = b'[{"service": 1, "name": "F", "type": "default", "category": "C", "rate": 3.5, "min": 10, "max": 20}]'
    adapter, _ = replay(body)
    service = (await adapter.services())[0]
    assert service.rate == Decimal("3.5")
    assert isinstance(service.rate, Decimal)


@pytest.mark.parametrize(
    ("body", "amount"),
    [(b'{"balance": 10000, "currency": "INR"}', Decimal(10000)), (b'{"balance": 12.3}', Decimal("12.3"))],
)
async def test_numbers_balance_as_json_number(body: bytes, amount: Decimal) -> None:
    adapter, _ = replay(body)
    balance = await adapter.balance()
    assert balance.balance == amount
    assert str(balance.balance) == str(amount)  # 12.3 stays 12.3, never 12.300000000000000710...


async def test_numbers_int_start_count_unknown_remains_no_currency() -> None:
    adapter, _ = replay(
        b'{"5": {"charge": 95200, "start_count": 300, "status": "processing", "remains": "Unknown"}}'
    )
    info = (await adapter.statuses(["5"]))["5"]
    assert info == OrderStatusInfo(UpstreamStatus.PROCESSING, "processing", Decimal(95200), 300, None, None)


async def test_numbers_dripfeed_as_int() -> None:
    body = b'[{"service": 9, "name": "V", "type": "default", "category": "C", "rate": "1", "min": "1", "max": "9", "dripfeed": 0, "refill": 1, "cancel": "0"}]'
    adapter, _ = replay(body)
    service = (await adapter.services())[0]
    assert (service.dripfeed, service.refill, service.cancel) == (False, True, False)


# -- Type names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire_type", "canonical"),
    [
        ("default", "Default"),
        ("custom_comments", "Custom Comments"),
        ("Mentions with Hashtags", "Mentions with Hashtags"),
        ("MENTIONS_CUSTOM_LIST", "Mentions Custom List"),
        ("Drip-feed Magic", "Drip-feed Magic"),
    ],
)
async def test_type_names_are_canonicalised(wire_type: str, canonical: str) -> None:
    body = json.dumps(
        [{"service": 1, "name": "X", "type": wire_type, "category": "C", "rate": "1", "min": "1", "max": "2"}]
    )
    adapter, _ = replay(body.encode())
    assert (await adapter.services())[0].type == canonical


# -- Success envelope --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b'{"status":"success","order":151}', b'{"status":200,"order":151}', b'{"status":100,"order":"151"}'],
)
async def test_success_envelope_on_add(body: bytes) -> None:
    adapter, _ = replay(body)
    assert await adapter.add_order(ORDER) == PlacedOrder("151")


async def test_success_envelope_on_balance() -> None:
    adapter, _ = replay(b'{"status":"success","balance":"5.50000","currency":"TRY"}')
    assert await adapter.balance() == BalanceInfo(Decimal("5.50000"), "TRY")
