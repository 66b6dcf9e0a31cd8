"""The panel's adapter contract, run for the Acme adapter against the panel's fake provider."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from panel_provider_example.adapter import AcmeAdapter

from providers.base import ProviderAdapter
from providers.fake_server import FakeProviderHandle, running_fake_provider
from providers.testing import AdapterMaker, HttpAdapterContract


@pytest.fixture(scope="module")
async def acme_double() -> AsyncIterator[FakeProviderHandle]:
    """The fake provider accepts `api` for `key` and GET requests, like Acme."""
    async with running_fake_provider("perfectpanel", api_key=HttpAdapterContract.api_key) as fake:
        yield fake


class TestAcmeAdapter(HttpAdapterContract):
    @pytest.fixture
    async def make_adapter(self, acme_double: FakeProviderHandle) -> AsyncIterator[AdapterMaker]:
        self.double = acme_double
        async with httpx.AsyncClient() as http:
            yield lambda api_key: AcmeAdapter(base_url=acme_double.url, api_key=api_key, http=http, timeout=5)

    async def finish_orders(self, adapter: ProviderAdapter) -> None:
        self.double.control.advance(365 * 86400)
