"""The adapter contract suite, run for every built-in adapter and both fake provider dialects."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import httpx
import pytest

from providers.base import ProviderAdapter
from providers.fake_server import FakeProviderHandle
from providers.simulated.adapter import SimulatedAdapter
from providers.smmv2.adapter import SmmV2Adapter
from providers.smmv2.testedsmm import TestedSmmAdapter
from providers.testing import AdapterContract, AdapterMaker, HttpAdapterContract

ONE_YEAR = 365 * 24 * 3600.0


class _OnFake(HttpAdapterContract):
    """Contract run of an HTTP adapter against a module-scoped fake provider."""

    adapter_class: ClassVar[type[ProviderAdapter]]
    dialect_fixture: ClassVar[str]
    settings: ClassVar[dict[str, Any]] = {}

    @pytest.fixture
    def fake_provider(self, request: pytest.FixtureRequest) -> FakeProviderHandle:
        handle: FakeProviderHandle = request.getfixturevalue(self.dialect_fixture)
        return handle

    @pytest.fixture
    def make_adapter(self, fake_provider: FakeProviderHandle, http: httpx.AsyncClient) -> AdapterMaker:
        self._fake = fake_provider
        return lambda key: self.adapter_class(
            base_url=fake_provider.url, api_key=key, http=http, timeout=5, settings=self.settings
        )

    async def finish_orders(self, adapter: ProviderAdapter) -> None:
        self._fake.control.advance(ONE_YEAR)


class _SeedCatalog:
    # The seed's services reply has no type or flags; these ids are refill+cancel Default services.
    default_service_id = "1"
    refill_service_id = "1"
    cancel_service_id = "1"


class TestSmmV2OnPerfectPanel(_OnFake):
    adapter_class = SmmV2Adapter
    dialect_fixture = "fake_pp"


class TestSmmV2OnSeed(_SeedCatalog, _OnFake):
    adapter_class = SmmV2Adapter
    dialect_fixture = "fake_seed"


class TestTestedSmmOnSeed(_SeedCatalog, _OnFake):
    adapter_class = TestedSmmAdapter
    dialect_fixture = "fake_seed"


class TestTestedSmmOnPerfectPanel(_OnFake):
    adapter_class = TestedSmmAdapter
    dialect_fixture = "fake_pp"


class TestSmmV2VariantWireOnPerfectPanel(_OnFake):
    """The renamed-parameter, GET, one-id-per-request and legacy-cancel settings, all at once."""

    adapter_class = SmmV2Adapter
    dialect_fixture = "fake_pp"
    settings: ClassVar[dict[str, Any]] = {
        "method": "GET",
        "key_param": "api",
        "order_param": "order_id",
        "link_param": "url",
        "multi": False,
        "cancel_form": "order",
        "status_batch_size": 7,
    }


class TestSmmV2JsonBodyOnSeed(_SeedCatalog, _OnFake):
    adapter_class = SmmV2Adapter
    dialect_fixture = "fake_seed"
    settings: ClassVar[dict[str, Any]] = {"body": "json", "order_param": "id"}


class TestSimulated(AdapterContract):
    """The in-process provider, with outcomes fixed to Completed so the contract is deterministic."""

    @pytest.fixture
    def make_adapter(self, http: httpx.AsyncClient) -> AdapterMaker:
        self._offset = 0.0

        def make(key: str) -> ProviderAdapter:
            adapter = SimulatedAdapter(
                base_url="simulated://contract",
                api_key=key,
                http=http,
                timeout=5,
                settings={"partial_share": 0.0, "cancel_share": 0.0, "seed": 7},
            )
            adapter.clock = lambda: time.time() + self._offset
            return adapter

        return make

    async def finish_orders(self, adapter: ProviderAdapter) -> None:
        self._offset += ONE_YEAR
