"""Fixtures for the provider tests: one HTTP client, fake providers on loopback ports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from providers.fake_server import FakeProviderHandle, running_fake_provider
from providers.testing import AdapterContract

FAKE_KEY = AdapterContract.api_key


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A client like the panel's shared one: no redirects followed."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="module")
async def fake_pp() -> AsyncIterator[FakeProviderHandle]:
    """A Perfect Panel dialect fake provider for the module's tests."""
    async with running_fake_provider("perfectpanel", api_key=FAKE_KEY) as fake:
        yield fake


@pytest.fixture(scope="module")
async def fake_seed() -> AsyncIterator[FakeProviderHandle]:
    """A seed dialect fake provider for the module's tests."""
    async with running_fake_provider("seed", api_key=FAKE_KEY) as fake:
        yield fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeProviderHandle]:
    """A private Perfect Panel fake provider for tests that flip fault switches."""
    async with running_fake_provider("perfectpanel", api_key=FAKE_KEY) as handle:
        yield handle
