"""What each failure means, over real HTTP on loopback: unavailable, rejected or outcome unknown."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from providers.dto import ItemError, OrderRequest, OrderStatusInfo
from providers.errors import (
    OutcomeUnknown,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    RejectReason,
)
from providers.fake_server import FakeProviderHandle
from providers.smmv2.adapter import SmmV2Adapter
from tests.providers.conftest import FAKE_KEY

WIRES: list[dict[str, Any]] = [{}, {"method": "GET"}, {"body": "json"}]


def make(
    fake: FakeProviderHandle, http: httpx.AsyncClient, settings: dict[str, Any], timeout: float = 5
) -> SmmV2Adapter:
    return SmmV2Adapter(base_url=fake.url, api_key=FAKE_KEY, http=http, timeout=timeout, settings=settings)


def order(link: str) -> OrderRequest:
    return OrderRequest("1", link=link, quantity=100)


def assert_no_key(error: BaseException) -> None:
    assert FAKE_KEY not in str(error)
    assert FAKE_KEY not in repr(error)
    assert FAKE_KEY not in str(error.args)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback port that is bound (so nobody else takes it) but not listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"
    finally:
        sock.close()


@pytest.mark.parametrize("settings", WIRES)
async def test_connection_refused_is_unavailable(
    refused_url: str, http: httpx.AsyncClient, settings: dict[str, Any]
) -> None:
    adapter = SmmV2Adapter(base_url=refused_url, api_key=FAKE_KEY, http=http, timeout=5, settings=settings)
    for call in (adapter.balance, lambda: adapter.add_order(order("https://x/refused"))):
        with pytest.raises(ProviderUnavailable) as caught:
            await call()
        assert "connect" in str(caught.value)
        assert_no_key(caught.value)


@pytest.mark.parametrize("settings", WIRES)
async def test_timeout_after_add_was_sent_is_an_unknown_outcome(
    fake: FakeProviderHandle, http: httpx.AsyncClient, settings: dict[str, Any]
) -> None:
    fake.control.set_faults(hang_add=True)
    adapter = make(fake, http, settings, timeout=0.5)
    link = "https://example.com/hang"
    with pytest.raises(OutcomeUnknown) as caught:
        await adapter.add_order(order(link))
    assert_no_key(caught.value)
    # The provider did take the order: exactly the case a blind retry would buy twice.
    assert fake.control.orders_for(link) == 1
    assert fake.control.add_calls(link) == 1


async def test_timeout_on_a_read_is_unavailable(fake: FakeProviderHandle, http: httpx.AsyncClient) -> None:
    fake.control.set_faults(hang=True, actions=["status"])
    with pytest.raises(ProviderUnavailable, match="deadline"):
        await make(fake, http, {}, timeout=0.5).statuses(["1"])


@pytest.mark.parametrize("settings", WIRES)
async def test_not_enough_funds_with_http_200_is_rejected(
    fake: FakeProviderHandle, http: httpx.AsyncClient, settings: dict[str, Any]
) -> None:
    fake.control.set_faults(error_message="Not enough funds on balance", actions=["add"])
    adapter = make(fake, http, settings)
    with pytest.raises(ProviderRejected) as caught:
        await adapter.add_order(order("https://x/funds"))
    assert caught.value.reason is RejectReason.INSUFFICIENT_FUNDS
    assert_no_key(caught.value)
    assert (await adapter.balance()).balance > 0  # only `add` was told to fail


async def test_an_empty_balance_is_rejected_the_same_way(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    fake.control.set_balance("0.01")
    with pytest.raises(ProviderRejected) as caught:
        await make(fake, http, {}).add_order(order("https://x/poor"))
    assert caught.value.reason is RejectReason.INSUFFICIENT_FUNDS


@pytest.mark.parametrize("settings", WIRES)
async def test_html_502_is_unavailable_on_status_and_unknown_on_add(
    fake: FakeProviderHandle, http: httpx.AsyncClient, settings: dict[str, Any]
) -> None:
    fake.control.set_faults(html_error=True, html_status=502)
    adapter = make(fake, http, settings)
    with pytest.raises(ProviderUnavailable) as on_status:
        await adapter.statuses(["1"])
    with pytest.raises(OutcomeUnknown) as on_add:
        await adapter.add_order(order("https://x/html"))
    for error in (on_status.value, on_add.value):
        assert "502" in str(error)
        assert_no_key(error)


@pytest.mark.parametrize("switch", ["http_500", "malformed_json", "empty_body"])
async def test_server_garbage_is_unavailable_on_reads_and_unknown_on_add(
    fake: FakeProviderHandle, http: httpx.AsyncClient, switch: str
) -> None:
    fake.control.set_faults(**{switch: True})
    adapter = make(fake, http, {})
    with pytest.raises(ProviderUnavailable):
        await adapter.balance()
    with pytest.raises(OutcomeUnknown):
        await adapter.add_order(order(f"https://x/{switch}"))


async def test_garbage_after_the_order_was_taken_is_still_unknown(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    fake.control.set_faults(malformed_json=True, after_processing=True, actions=["add"])
    with pytest.raises(OutcomeUnknown):
        await make(fake, http, {}).add_order(order("https://x/taken"))
    assert fake.control.orders_for("https://x/taken") == 1


async def test_ids_dropped_from_multi_status_are_absent(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    adapter = make(fake, http, {})
    ids = [(await adapter.add_order(order(f"https://x/drop/{i}"))).provider_order_id for i in range(3)]
    fake.control.set_faults(drop_ids=[ids[1]])
    result = await adapter.statuses(ids)
    assert set(result) == {ids[0], ids[2]}
    assert all(isinstance(v, OrderStatusInfo) for v in result.values())


async def test_a_fault_limited_by_times_clears_itself(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    fake.control.set_faults(http_500=True, times=2, latency_ms=1)
    adapter = make(fake, http, {})
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            await adapter.balance()
    assert (await adapter.balance()).balance > 0
    assert fake.control.faults.latency_ms == 1


async def test_key_in_get_mode_never_reaches_logs_or_errors(
    fake: FakeProviderHandle, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """In GET mode the key travels in the URL, which httpx logs at INFO."""
    caplog.set_level(logging.DEBUG)
    adapter = make(fake, http, {"method": "GET"})
    await adapter.balance()
    fake.control.set_faults(html_error=True)
    errors: list[ProviderError] = []
    for call in (adapter.balance, lambda: adapter.add_order(order("https://x/log"))):
        with pytest.raises(ProviderError) as caught:
            await call()
        errors.append(caught.value)
    assert "HTTP Request: GET" in caplog.text  # the URL was logged...
    assert FAKE_KEY not in caplog.text  # ...without the key
    for error in errors:
        assert_no_key(error)
    assert FAKE_KEY not in repr(adapter)


async def test_unknown_ids_from_the_fake_are_item_errors(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    assert await make(fake, http, {}).statuses(["42", "x"]) == {
        "42": ItemError("Incorrect order ID"),
        "x": ItemError("Incorrect order ID"),
    }


async def test_waiting_for_a_free_connection_is_not_an_unknown_outcome(fake: FakeProviderHandle) -> None:
    """The deadline can expire before the request leaves the pool: nothing was sent, so `add` may go to
    another route (`ProviderUnavailable`), unlike a timeout after sending."""
    fake.control.set_faults(hang=True, actions=["status"])
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as one_connection:
        slow = make(fake, one_connection, {}, timeout=3)
        quick = make(fake, one_connection, {}, timeout=0.5)
        blocker = asyncio.create_task(slow.statuses(["1"]))
        await asyncio.sleep(0.2)
        with pytest.raises(ProviderUnavailable):
            await quick.add_order(order("https://x/pool"))
        assert fake.control.add_calls("https://x/pool") == 0
        fake.control.released.set()
        with pytest.raises(ProviderUnavailable):
            await blocker
