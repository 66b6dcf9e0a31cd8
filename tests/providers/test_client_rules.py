"""Reference §5.1, "A robust provider adapter must tolerate": each point that applies to a client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from providers.dto import (
    CancelInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    RefillInfo,
    RefillStatusInfo,
)
from providers.errors import OutcomeUnknown, ProviderRejected, ProviderUnavailable, RejectReason
from providers.smmv2.adapter import SmmV2Adapter
from providers.status import RefillStatus, UpstreamStatus
from tests.providers.replay import KEY, Scripted, replay

ORDER = OrderRequest("1", link="http://example.com/test", quantity=100)

# -- 1. Transport ------------------------------------------------------------------------------------


async def test_list_parameters_are_form_encoded_with_their_newlines() -> None:
    adapter, wire = replay(b'{"order": 1}')
    await adapter.add_order(
        OrderRequest("2", link="http://example.com/test", comments="good pic\ngreat photo\n:)\n;)")
    )
    assert (
        wire.requests[0].content
        == (
            f"key={KEY}&action=add&service=2&link=http%3A%2F%2Fexample.com%2Ftest"
            "&comments=good+pic%0Agreat+photo%0A%3A%29%0A%3B%29"
        ).encode()
    )


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_redirects_are_not_followed(status: int) -> None:
    adapter, wire = replay(
        lambda request: httpx.Response(status, headers={"location": f"https://new.example/api/v2?key={KEY}"}),
    )
    with pytest.raises(ProviderUnavailable, match="redirect") as caught:
        await adapter.add_order(ORDER)
    assert len(wire.requests) == 1
    assert KEY not in str(caught.value)


async def test_add_is_sent_once_even_when_the_answer_is_lost() -> None:
    def lose(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    adapter, wire = replay(lose)
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(ORDER)
    assert len(wire.requests) == 1


async def _dripping_server(chunks: int, every: float) -> tuple[asyncio.Server, str]:
    """A server that answers headers at once, then one body byte every `every` seconds."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % chunks
        )
        try:
            for _ in range(chunks):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(every)
        except ConnectionError:
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/api/v2"


@pytest.fixture
async def dripping() -> AsyncIterator[str]:
    server, url = await _dripping_server(chunks=100, every=0.1)
    async with server:
        yield url
        server.close()


async def test_total_deadline_covers_a_slowly_dripping_body(dripping: str, http: httpx.AsyncClient) -> None:
    """Each byte arrives well within httpx's per-read timeout; only a total deadline stops the call."""
    adapter = SmmV2Adapter(base_url=dripping, api_key=KEY, http=http, timeout=0.6)
    started = asyncio.get_running_loop().time()
    with pytest.raises(ProviderUnavailable, match="deadline"):
        await adapter.balance()
    with pytest.raises(OutcomeUnknown, match="deadline"):
        await adapter.add_order(ORDER)
    assert asyncio.get_running_loop().time() - started < 2 * 0.6 + 0.5


# -- 2. Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 402, 422, 500])
async def test_truthy_error_is_a_failure_whatever_the_status(status: int) -> None:
    adapter, _ = replay(Scripted(b'{"error": "Not enough funds on balance"}', status=status))
    with pytest.raises(ProviderRejected) as caught:
        await adapter.add_order(ORDER)
    assert caught.value.reason is RejectReason.INSUFFICIENT_FUNDS
    assert caught.value.message == "Not enough funds on balance"


@pytest.mark.parametrize("error", [b"null", b'""', b"false", b"0"])
async def test_falsy_error_next_to_a_payload_is_not_a_failure(error: bytes) -> None:
    adapter, _ = replay(b'{"order": 5, "error": ' + error + b"}")
    assert await adapter.add_order(ORDER) == PlacedOrder("5")


NOT_JSON = [
    Scripted(
        b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", 502, "text/html"
    ),
    Scripted(b"", 200),
    Scripted(b'{"1": {"charge": "0.27819", "start_count": "35', 200),
    Scripted(b"Fatal error: Allowed memory size exhausted", 200, "text/plain"),
]


@pytest.mark.parametrize("reply", NOT_JSON, ids=["html-502", "empty", "truncated", "php-fatal"])
async def test_non_json_is_transient_on_reads(reply: Scripted) -> None:
    adapter, _ = replay(reply)
    with pytest.raises(ProviderUnavailable):
        await adapter.statuses(["1"])


@pytest.mark.parametrize("reply", NOT_JSON, ids=["html-502", "empty", "truncated", "php-fatal"])
async def test_non_json_in_answer_to_add_is_an_unknown_outcome(reply: Scripted) -> None:
    adapter, _ = replay(reply)
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(ORDER)


async def test_vague_5xx_json_error_on_add_is_unknown_but_a_specific_one_is_a_rejection() -> None:
    vague, _ = replay(Scripted(b'{"error": "Server Error"}', 500))
    with pytest.raises(OutcomeUnknown):
        await vague.add_order(ORDER)
    specific, _ = replay(Scripted(b'{"error": "Incorrect service ID"}', 500))
    with pytest.raises(ProviderRejected):
        await specific.add_order(ORDER)


async def test_try_later_errors_are_unavailable() -> None:
    adapter, _ = replay(b'{"error": "Server is under maintenance, try again later"}')
    with pytest.raises(ProviderUnavailable):
        await adapter.add_order(ORDER)


async def test_top_level_id_error_in_a_batch_marks_every_id() -> None:
    adapter, _ = replay(b'{"error": "Incorrect order ID"}')
    assert await adapter.statuses(["1", "2"]) == {
        "1": ItemError("Incorrect order ID"),
        "2": ItemError("Incorrect order ID"),
    }


async def test_top_level_account_error_in_a_batch_raises() -> None:
    adapter, _ = replay(b'{"error": "API key invalid", "status": "102"}')
    with pytest.raises(ProviderRejected) as caught:
        await adapter.statuses(["1"])
    assert caught.value.reason is RejectReason.BAD_KEY


async def test_a_provider_echoing_the_key_does_not_leak_it() -> None:
    adapter, _ = replay(f'{{"error": "Incorrect API key {KEY}"}}'.encode())
    with pytest.raises(ProviderRejected) as caught:
        await adapter.balance()
    assert KEY not in str(caught.value)
    assert KEY not in caught.value.message


# -- 3. Numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "charge", "start_count", "remains"),
    [
        ('"charge": "0.27819", "start_count": "3572", "remains": "157"', Decimal("0.27819"), 3572, 157),
        ('"charge": 0.27819, "start_count": 3572, "remains": 157', Decimal("0.27819"), 3572, 157),
        ('"charge": "", "start_count": null, "remains": "Unknown"', None, None, None),
        ('"charge": "n/a", "start_count": "3572.0", "remains": "-5"', None, 3572, -5),
    ],
)
async def test_numbers_in_any_form(
    fields: str, charge: Decimal | None, start_count: int | None, remains: int | None
) -> None:
    adapter, _ = replay(f'{{"1": {{"status": "Partial", {fields}, "currency": "USD"}}}}'.encode())
    info = (await adapter.statuses(["1"]))["1"]
    assert info == OrderStatusInfo(UpstreamStatus.PARTIAL, "Partial", charge, start_count, remains, "USD")


async def test_ids_are_opaque_strings() -> None:
    adapter, wire = replay(
        b'{"order": "ord_01HG7Z3Q4W"}',
        b'{"ord_01HG7Z3Q4W": {"status": "Pending", "remains": "100"}}',
    )
    placed = await adapter.add_order(ORDER)
    assert placed == PlacedOrder("ord_01HG7Z3Q4W")
    result = await adapter.statuses([placed.provider_order_id])
    assert wire.form()["orders"] == "ord_01HG7Z3Q4W"
    assert isinstance(result["ord_01HG7Z3Q4W"], OrderStatusInfo)


# -- 5. Batch responses ------------------------------------------------------------------------------


async def test_list_multi_status_is_matched_by_string_id() -> None:
    adapter, _ = replay(
        b'[{"order": 1, "status": "Completed"}, {"order": "2", "status": "Pending"}, {"order": 3}]'
    )
    result = await adapter.statuses(["1", "2", "3"])
    assert {k: type(v).__name__ for k, v in result.items()} == {
        "1": "OrderStatusInfo",
        "2": "OrderStatusInfo",
        "3": "ItemError",
    }


async def test_ids_missing_from_the_reply_are_absent_not_canceled() -> None:
    adapter, _ = replay(b'{"1": {"status": "Completed", "remains": "0"}, "999": {"status": "Canceled"}}')
    result = await adapter.statuses(["1", "2"])
    assert set(result) == {"1"}


async def test_multi_refill_item_shapes() -> None:
    adapter, _ = replay(
        b'[{"order": 1, "refill": 1}, {"order": 2, "refill": "2"}, {"order": 3, "refill": {"error": "Incorrect order ID"}}]'
    )
    assert await adapter.refill(["1", "2", "3"]) == {
        "1": RefillInfo("1"),
        "2": RefillInfo("2"),
        "3": ItemError("Incorrect order ID"),
    }


async def test_multi_refill_status_with_error_in_status() -> None:
    adapter, _ = replay(
        b'[{"refill": 1, "status": "Completed"}, {"refill": 2, "status": "Rejected"},'
        b' {"refill": 3, "status": {"error": "Refill not found"}}]'
    )
    assert await adapter.refill_statuses(["1", "2", "3"]) == {
        "1": RefillStatusInfo(RefillStatus.COMPLETED, "Completed"),
        "2": RefillStatusInfo(RefillStatus.REJECTED, "Rejected"),
        "3": ItemError("Refill not found"),
    }


# -- 7. Services -------------------------------------------------------------------------------------


async def test_service_descriptions_and_absent_flags() -> None:
    adapter, _ = replay(
        b'[{"service": 1, "name": "A", "type": "Default", "category": "C", "rate": "1", "min": "1", "max": "2",'
        b' "desc": "Some Description"},'
        b' {"service": 2, "name": "B", "category": "C", "rate": "1", "min": "1", "max": "2", "description": "D"},'
        b' {"service": 3, "name": "C", "category": "C", "rate": "1", "min": "1", "max": "2"}]'
    )
    services = await adapter.services()
    assert [s.description for s in services] == ["Some Description", "D", None]
    assert all(not (s.refill or s.cancel or s.dripfeed) for s in services)


async def test_one_unreadable_service_does_not_lose_the_catalog() -> None:
    adapter, _ = replay(
        b'[{"service": 1, "name": "A", "rate": "1", "min": "1", "max": "2"}, {"service": 2, "name": "no rate"}]'
    )
    assert [s.external_id for s in await adapter.services()] == ["1"]


# -- 8. Cancel ---------------------------------------------------------------------------------------


async def test_cancel_pp_batch_form() -> None:
    adapter, wire = replay(
        b'[{"order": 9, "cancel": {"error": "Incorrect order ID"}}, {"order": 2, "cancel": 1}]'
    )
    assert await adapter.cancel(["9", "2"]) == {
        "9": ItemError("Incorrect order ID"),
        "2": CancelInfo(True, None),
    }
    assert dict(parse_qsl(wire.requests[0].content.decode())) == {
        "key": KEY,
        "action": "cancel",
        "orders": "9,2",
    }


async def test_a_single_order_shape_in_answer_to_orders_is_understood() -> None:
    adapter, _ = replay(
        b'{"charge": "0.5", "start_count": "10", "status": "Completed", "remains": "0", "currency": "EUR"}'
    )
    assert await adapter.statuses(["5"]) == {
        "5": OrderStatusInfo(UpstreamStatus.COMPLETED, "Completed", Decimal("0.5"), 10, 0, "EUR")
    }


async def test_a_reset_connection_after_sending_add_is_an_unknown_outcome() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    adapter, _ = replay(reset)
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(ORDER)
    with pytest.raises(ProviderUnavailable):
        await adapter.balance()
