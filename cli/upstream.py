"""What commands that call providers share: the adapter registry and one HTTP client for the command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from cli.providers_cmd import adapter_registry
from core.connections.adapters import AdapterFactory, new_http_client
from core.settings import Settings

T = TypeVar("T")


async def with_adapters(config: Settings, work: Callable[[AdapterFactory], Awaitable[T]]) -> T:
    """Run `work` with an adapter factory on a client that is closed afterwards."""
    registry = adapter_registry()
    timeout = config.provider_timeout_seconds
    async with new_http_client(timeout) as http:
        return await work(AdapterFactory(registry, http, timeout))
