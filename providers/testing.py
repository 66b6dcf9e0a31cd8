"""The adapter contract suite: behaviour every provider adapter must show, reusable by plugin authors.

Subclass `AdapterContract` in a test module (the class name must start with ``Test``), provide a
`make_adapter` fixture that builds your adapter against a provider double, and implement
`finish_orders`. HTTP adapters whose provider checks keys subclass `HttpAdapterContract` instead::

    class TestMyAdapter(HttpAdapterContract):
        @pytest.fixture
        def make_adapter(self, my_double, http_client):
            return lambda api_key: MyAdapter(base_url=my_double.url, api_key=api_key,
                                             http=http_client, timeout=5)

        async def finish_orders(self, adapter):
            my_double.advance_clock(days=1)

Catalogs that do not expose capability flags (the seed dialect) name suitable services through
`default_service_id`, `refill_service_id` and `cancel_service_id`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import ClassVar

import pytest

from providers.base import ProviderAdapter
from providers.dto import (
    BalanceInfo,
    CancelInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    ProviderServiceInfo,
    RefillInfo,
    RefillStatusInfo,
)
from providers.errors import ProviderRejected, RejectReason
from providers.service_types import ServiceType
from providers.status import UpstreamStatus

AdapterMaker = Callable[[str], ProviderAdapter]
_links = itertools.count(1)
_ENDED = {UpstreamStatus.COMPLETED, UpstreamStatus.PARTIAL, UpstreamStatus.CANCELED, UpstreamStatus.REFUNDED}
_RUNNING = {UpstreamStatus.PENDING, UpstreamStatus.PROCESSING, UpstreamStatus.IN_PROGRESS}


def unique_link() -> str:
    """A link no other test in this process uses, so duplicate-link rules never interfere."""
    return f"https://example.com/contract/{next(_links)}"


class AdapterContract:
    """Tests every adapter must pass. Not collected itself (no ``Test`` prefix); subclass it."""

    api_key: ClassVar[str] = "contract-secret-key-5f3a9c"
    default_service_id: ClassVar[str | None] = None
    refill_service_id: ClassVar[str | None] = None
    cancel_service_id: ClassVar[str | None] = None

    # -- what a subclass provides --------------------------------------------------------------------

    @pytest.fixture
    def make_adapter(self) -> AdapterMaker:
        """Override: a function building the adapter under test for an API key."""
        raise NotImplementedError("override the make_adapter fixture in your AdapterContract subclass")

    async def finish_orders(self, adapter: ProviderAdapter) -> None:
        """Override: make the provider double finish every order placed so far (e.g. advance its clock)."""
        raise NotImplementedError("override finish_orders in your AdapterContract subclass")

    @pytest.fixture
    def adapter(self, make_adapter: AdapterMaker) -> ProviderAdapter:
        """The adapter under test, with the valid key."""
        return make_adapter(self.api_key)

    # -- helpers -------------------------------------------------------------------------------------

    async def service(
        self, adapter: ProviderAdapter, *, refill: bool = False, cancel: bool = False
    ) -> ProviderServiceInfo:
        """A Default-type service with the wanted flags (or the one named by the class attributes)."""
        services = await adapter.services()
        wanted = self.refill_service_id if refill else self.cancel_service_id if cancel else None
        wanted = wanted or self.default_service_id
        for s in services:
            if wanted is not None and s.external_id == wanted:
                return s
            if (
                wanted is None
                and s.type == ServiceType.DEFAULT.value
                and s.refill >= refill
                and (s.cancel >= cancel)
            ):
                return s
        raise AssertionError(f"the catalog has no Default service with refill={refill} cancel={cancel}")

    async def place(self, adapter: ProviderAdapter, service: ProviderServiceInfo) -> str:
        """Order the minimum quantity of `service` for a fresh link; returns the provider order id."""
        placed = await adapter.add_order(
            OrderRequest(service.external_id, link=unique_link(), quantity=max(service.min, 1))
        )
        return placed.provider_order_id

    # -- the contract --------------------------------------------------------------------------------

    def test_declares_key_capabilities_and_strict_settings(self, adapter: ProviderAdapter) -> None:
        """Registry requirements: a key, capability flags, and settings that reject unknown names."""
        assert re.fullmatch(r"[a-z][a-z0-9_-]*", adapter.key)
        assert 1 <= adapter.capabilities.status_batch_size <= 100
        with pytest.raises(ValueError, match="settings"):
            type(adapter).validate_settings({"surely_not_a_setting": 1})

    def test_repr_never_shows_the_key(self, adapter: ProviderAdapter) -> None:
        """Adapters end up in logs and tracebacks; the provider key must not."""
        assert self.api_key not in repr(adapter)
        assert self.api_key not in str(vars(adapter).get("settings", ""))

    async def test_services_are_a_usable_catalog(self, adapter: ProviderAdapter) -> None:
        """String ids, Decimal rates, sane ranges, no duplicate ids."""
        services = await adapter.services()
        assert services
        assert len({s.external_id for s in services}) == len(services)
        for s in services:
            assert isinstance(s, ProviderServiceInfo)
            assert isinstance(s.external_id, str)
            assert s.external_id
            assert isinstance(s.rate, Decimal)
            assert s.rate >= 0
            assert 0 <= s.min <= s.max
            assert s.type
            assert s.name

    async def test_balance_is_decimal_money(self, adapter: ProviderAdapter) -> None:
        """The balance is exact money."""
        balance = await adapter.balance()
        assert isinstance(balance, BalanceInfo)
        assert isinstance(balance.balance, Decimal)

    async def test_new_order_has_a_string_id_and_a_running_status(self, adapter: ProviderAdapter) -> None:
        """A fresh order is known to the provider and not finished yet."""
        order_id = await self.place(adapter, await self.service(adapter))
        assert isinstance(order_id, str)
        assert order_id
        info = (await adapter.statuses([order_id]))[order_id]
        assert isinstance(info, OrderStatusInfo)
        assert info.status in _RUNNING, info

    async def test_an_order_costs_money(self, adapter: ProviderAdapter) -> None:
        """The balance goes down by what the order costs."""
        before = (await adapter.balance()).balance
        await self.place(adapter, await self.service(adapter))
        assert (await adapter.balance()).balance < before

    async def test_unknown_ids_are_item_errors_or_absent(self, adapter: ProviderAdapter) -> None:
        """Asking about an id the provider never issued is not an exception."""
        result = await adapter.statuses(["987654321"])
        assert set(result) <= {"987654321"}
        assert all(isinstance(v, ItemError) for v in result.values())

    async def test_statuses_span_several_batches(self, adapter: ProviderAdapter) -> None:
        """More ids than one batch holds are chunked; every answer is keyed by an asked id."""
        order_id = await self.place(adapter, await self.service(adapter))
        asked = [str(900000000 + i) for i in range(2 * adapter.batch_size + 5)] + [order_id, order_id]
        result = await adapter.statuses(asked)
        assert set(result) <= set(asked)
        assert isinstance(result[order_id], OrderStatusInfo)

    async def test_unknown_service_is_rejected(self, adapter: ProviderAdapter) -> None:
        """A service id the provider does not have is a definitive rejection, classified."""
        with pytest.raises(ProviderRejected) as caught:
            await adapter.add_order(OrderRequest("987654321", link=unique_link(), quantity=1000))
        assert caught.value.reason is RejectReason.UNKNOWN_SERVICE

    async def test_quantity_out_of_range_is_rejected(self, adapter: ProviderAdapter) -> None:
        """Above the service's maximum is a definitive rejection, classified."""
        service = await self.service(adapter)
        with pytest.raises(ProviderRejected) as caught:
            await adapter.add_order(
                OrderRequest(service.external_id, link=unique_link(), quantity=service.max + 1)
            )
        assert caught.value.reason is RejectReason.QUANTITY_OUT_OF_RANGE

    async def test_orders_reach_their_outcome(self, adapter: ProviderAdapter) -> None:
        """Once the provider is done, the status is terminal; a Partial one says what remains."""
        order_id = await self.place(adapter, await self.service(adapter))
        await self.finish_orders(adapter)
        info = (await adapter.statuses([order_id]))[order_id]
        assert isinstance(info, OrderStatusInfo)
        assert info.status in _ENDED, info
        if info.status is UpstreamStatus.PARTIAL:
            assert info.remains is not None

    async def test_cancel_of_a_running_order(self, adapter: ProviderAdapter) -> None:
        """A cancelable running order is canceled (or refused with `ProviderRejected` if unsupported)."""
        if not adapter.capabilities.cancel:
            with pytest.raises(ProviderRejected):
                await adapter.cancel(["1"])
            return
        order_id = await self.place(adapter, await self.service(adapter, cancel=True))
        result = (await adapter.cancel([order_id]))[order_id]
        assert isinstance(result, CancelInfo), result
        assert result.accepted, result
        info = (await adapter.statuses([order_id]))[order_id]
        assert isinstance(info, OrderStatusInfo)
        assert info.status in {UpstreamStatus.CANCELED, UpstreamStatus.PARTIAL}, info

    async def test_refill_of_a_finished_order(self, adapter: ProviderAdapter) -> None:
        """A finished order of a refill service can be refilled and the refill followed."""
        if not adapter.capabilities.refill:
            with pytest.raises(ProviderRejected):
                await adapter.refill(["1"])
            return
        order_id = await self.place(adapter, await self.service(adapter, refill=True))
        await self.finish_orders(adapter)
        refill = (await adapter.refill([order_id]))[order_id]
        assert isinstance(refill, RefillInfo), refill
        if refill.provider_refill_id is not None:
            status = (await adapter.refill_statuses([refill.provider_refill_id]))[refill.provider_refill_id]
            assert isinstance(status, RefillStatusInfo), status


class HttpAdapterContract(AdapterContract):
    """`AdapterContract` plus what adapters of key-checking HTTP providers must do."""

    async def test_bad_key_is_rejected_without_leaking_it(self, make_adapter: AdapterMaker) -> None:
        """A wrong key is `ProviderRejected(BAD_KEY)`, and the key appears in no message or repr."""
        wrong = "wrong-secret-key-0d1e2f"
        adapter = make_adapter(wrong)
        calls: list[Callable[[], Awaitable[object]]] = [
            adapter.balance,
            lambda: adapter.add_order(OrderRequest("1", link=unique_link(), quantity=100)),
        ]
        for call in calls:
            with pytest.raises(ProviderRejected) as caught:
                await call()
            assert caught.value.reason is RejectReason.BAD_KEY
            assert wrong not in str(caught.value)
            assert wrong not in repr(caught.value)
        assert wrong not in repr(adapter)
