"""The fake provider: both dialects' exact shapes, request parsing, and steering in-process and over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from providers.dto import OrderRequest, OrderStatusInfo
from providers.errors import ProviderRejected, RejectReason
from providers.fake_server import (
    BookSettings,
    FakeProviderHandle,
    fake_provider_in_thread,
    running_fake_provider,
)
from providers.smmv2.adapter import SmmV2Adapter
from providers.status import UpstreamStatus
from tests.providers.conftest import FAKE_KEY


async def call(http: httpx.AsyncClient, fake: FakeProviderHandle, **params: str) -> Any:
    response = await http.post(fake.url, data={"key": FAKE_KEY, **params})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


async def place(http: httpx.AsyncClient, fake: FakeProviderHandle, link: str, service: str = "1") -> int:
    reply = await call(http, fake, action="add", service=service, link=link, quantity="100")
    assert isinstance(reply["order"], int)
    order_id: int = reply["order"]
    return order_id


# -- dialect shapes (reference §0 table) -------------------------------------------------------------


async def test_pp_services_shape(fake_pp: FakeProviderHandle, http: httpx.AsyncClient) -> None:
    first = (await call(http, fake_pp, action="services"))[0]
    assert list(first) == [
        "service",
        "name",
        "type",
        "rate",
        "min",
        "max",
        "dripfeed",
        "refill",
        "cancel",
        "desc",
        "category",
    ]
    assert (first["service"], first["rate"], first["min"], first["max"]) == (1, "0.90", "50", "10000")
    assert (first["type"], first["refill"], first["cancel"]) == ("Default", True, True)


async def test_seed_services_shape(fake_seed: FakeProviderHandle, http: httpx.AsyncClient) -> None:
    first = (await call(http, fake_seed, action="services"))[0]
    assert first == {
        "service": 1,
        "name": first["name"],
        "rate": "0.90",
        "min": 50,
        "max": 10000,
        "category": "Instagram Followers",
    }


async def test_multi_status_pp_object_vs_seed_list(
    fake_pp: FakeProviderHandle, fake_seed: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    pp_id = await place(http, fake_pp, "https://x/shape-pp")
    pp = await call(http, fake_pp, action="status", orders=f"{pp_id},10")
    assert pp == {
        str(pp_id): {
            "charge": "0.09000",
            "start_count": pp[str(pp_id)]["start_count"],
            "status": "Pending",
            "remains": "100",
            "currency": "USD",
        },
        "10": {"error": "Incorrect order ID"},
    }
    seed_id = await place(http, fake_seed, "https://x/shape-seed")
    assert await call(http, fake_seed, action="status", orders=f"{seed_id}") == [
        {"order": seed_id, "status": "Pending"}
    ]
    single = await call(http, fake_seed, action="status", order=str(seed_id))
    assert set(single) == {"status", "charge", "start_count", "remains", "currency"}


async def test_refill_and_cancel_shapes(
    fake_pp: FakeProviderHandle, fake_seed: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    for fake, number in ((fake_pp, False), (fake_seed, True)):
        order_id = await place(http, fake, f"https://x/refill-{number}")
        fake.control.advance(365 * 86400)
        single = await call(http, fake, action="refill", order=str(order_id))
        assert isinstance(single["refill"], int) is number
        multi = await call(http, fake, action="refill", orders=f"{order_id},3")
        assert multi[1] == {"order": 3, "refill": {"error": "Incorrect order ID"}}
        statuses = await call(http, fake, action="refill_status", refills=f"{single['refill']},1")
        assert statuses[1] == {"refill": 1, "status": {"error": "Refill not found"}}
    fresh_pp = await place(http, fake_pp, "https://x/cancel-pp")
    assert await call(http, fake_pp, action="cancel", orders=f"9,{fresh_pp}") == [
        {"order": 9, "cancel": {"error": "Incorrect order ID"}},
        {"order": fresh_pp, "cancel": 1},
    ]
    fresh_seed = await place(http, fake_seed, "https://x/cancel-seed")
    assert await call(http, fake_seed, action="cancel", orders=f"{fresh_seed},2") == [
        {"order": fresh_seed, "canceled": True},
        {"order": 2, "canceled": False},
    ]


# -- request parsing (reference §6.1, §6.5) ----------------------------------------------------------


async def test_accepts_get_json_trailing_slash_aliases_and_plus(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    base = fake.url
    got = await http.get(base + "/", params={"api": FAKE_KEY, "action": "balance"})
    assert got.json() == {"balance": "1000.00000", "currency": "USD"}
    posted = await http.post(
        base, json={"key": FAKE_KEY, "action": "add", "service": 1, "url": "https://x/j", "quantity": 100}
    )
    order_id = posted.json()["order"]
    by_alias = await http.post(
        base,
        content=f"key={FAKE_KEY}&action=status&order_id={order_id}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert by_alias.json()["status"] == "Pending"
    plus = await http.post(
        base,
        content=f"key={FAKE_KEY}&action=add&service=1&link=https://x/a+b&quantity=100".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert plus.json() == {"error": "Bad link"}
    assert fake.control.add_calls("https://x/a b") == 1
    ids = await http.post(base, data={"key": FAKE_KEY, "action": "status", "orders": f" {order_id} ,,Array,"})
    assert set(ids.json()) == {str(order_id), "Array"}


async def test_wrong_key_and_unknown_action(fake: FakeProviderHandle, http: httpx.AsyncClient) -> None:
    assert (await http.post(fake.url, data={"key": "nope", "action": "balance"})).json() == {
        "error": "Invalid API key"
    }
    assert (await http.post(fake.url, data={"action": "balance"})).json() == {"error": "Invalid API key"}
    assert await call(http, fake, action="dance") == {"error": "Incorrect request"}


# -- steering over HTTP ------------------------------------------------------------------------------


async def test_control_over_http(fake: FakeProviderHandle, http: httpx.AsyncClient) -> None:
    control = fake.base_url + "/_control"
    order_id = await place(http, fake, "https://x/ctl")
    await place(http, fake, "https://x/ctl")
    await call(
        http, fake, action="add", service="1", link="https://x/ctl", quantity="1"
    )  # refused, still counted
    stats = (await http.get(control + "/stats")).json()
    assert stats["add_calls_by_link"]["https://x/ctl"] == 3
    assert stats["orders_by_link"]["https://x/ctl"] == 2

    forced = await http.post(control + f"/orders/{order_id}", json={"status": "Cancelled", "remains": "7"})
    assert forced.status_code == 400  # remains must be a number
    await http.post(control + f"/orders/{order_id}", json={"status": "Cancelled", "remains": 7})
    assert (await call(http, fake, action="status", order=str(order_id)))["status"] == "Cancelled"

    await http.post(control + "/services/1", json={"rate": "1.25"})
    await http.delete(control + "/services/2")
    services = {s["service"]: s for s in await call(http, fake, action="services")}
    assert services[1]["rate"] == "1.25"
    assert 2 not in services
    assert await call(http, fake, action="add", service="2", link="https://x/gone", quantity="100") == {
        "error": "Incorrect service ID"
    }

    faults = await http.post(
        control + "/faults", json={"error_message": "Not enough funds on balance", "actions": ["add"]}
    )
    assert faults.json()["error_message"] == "Not enough funds on balance"
    assert await call(http, fake, action="add", service="1", link="https://x/f", quantity="100") == {
        "error": "Not enough funds on balance"
    }
    assert "balance" in await call(http, fake, action="balance")
    bad = await http.post(control + "/faults", json={"http_501": True})
    assert bad.status_code == 400

    await http.post(control + "/advance", json={"seconds": 86400 * 365})
    await http.post(control + "/balance", json={"balance": "3.5"})
    assert (await call(http, fake, action="balance"))["balance"] == "3.5"

    await http.post(control + "/reset")
    assert (await http.get(control + "/stats")).json()["orders"] == 0
    assert (await http.get(control + "/faults")).json()["error_message"] is None
    assert (await http.get(control + "/nope")).status_code == 404


async def test_latency_does_not_block_other_requests(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    fake.control.set_faults(latency_ms=300)
    started = time.perf_counter()
    replies = await asyncio.gather(*[call(http, fake, action="balance") for _ in range(50)])
    elapsed = time.perf_counter() - started
    assert all("balance" in r for r in replies)
    assert 0.3 <= elapsed < 2.0  # 50 × 300 ms would be 15 s if the sleep blocked


async def test_duplicate_links_can_be_refused(http: httpx.AsyncClient) -> None:
    async with running_fake_provider(
        api_key=FAKE_KEY, settings=BookSettings(reject_duplicate_links=True)
    ) as fake:
        adapter = SmmV2Adapter(base_url=fake.url, api_key=FAKE_KEY, http=http, timeout=5)
        await adapter.add_order(OrderRequest("1", link="https://x/dup", quantity=100))
        with pytest.raises(ProviderRejected) as caught:
            await adapter.add_order(OrderRequest("1", link="https://x/dup", quantity=100))
        assert caught.value.reason is RejectReason.ACTIVE_ORDER_EXISTS


async def test_forced_statuses_reach_the_adapter_normalised(
    fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    adapter = SmmV2Adapter(base_url=fake.url, api_key=FAKE_KEY, http=http, timeout=5)
    order_id = (
        await adapter.add_order(OrderRequest("1", link="https://x/force", quantity=100))
    ).provider_order_id
    fake.control.force_order(order_id, status="Inprogress", remains=40)
    info = (await adapter.statuses([order_id]))[order_id]
    assert isinstance(info, OrderStatusInfo)
    assert (info.status, info.raw_status, info.remains) == (UpstreamStatus.IN_PROGRESS, "Inprogress", 40)


def test_runs_in_a_thread_for_synchronous_tests() -> None:
    with fake_provider_in_thread("seed", api_key="k") as fake, httpx.Client() as http:
        reply = http.post(
            fake.url,
            data={"key": "k", "action": "add", "service": "1", "link": "https://x/t", "quantity": "100"},
        )
        assert reply.json() == {"order": 23501}
        assert fake.control.add_calls("https://x/t") == 1
        fake.control.set_faults(http_500=True)
        assert http.post(fake.url, data={"key": "k", "action": "balance"}).status_code == 500


@pytest.fixture
async def busy_fake() -> AsyncIterator[FakeProviderHandle]:
    async with running_fake_provider(api_key=FAKE_KEY) as fake:
        yield fake


async def test_multi_status_of_100_orders_is_fast(
    busy_fake: FakeProviderHandle, http: httpx.AsyncClient
) -> None:
    """The benchmark syncs 100,000 orders through the fake; a 100-id status must stay cheap."""
    ids = [str(await place(http, busy_fake, f"https://x/perf/{i}", service="16")) for i in range(100)]
    body = {"key": FAKE_KEY, "action": "status", "orders": ",".join(ids)}
    started = time.perf_counter()
    for _ in range(50):
        reply = await http.post(busy_fake.url, data=body)
    per_request = (time.perf_counter() - started) / 50
    assert len(json.loads(reply.content)) == 100
    assert per_request < 0.025, f"{per_request * 1000:.1f} ms per 100-id multi-status"
