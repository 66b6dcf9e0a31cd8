"""Turning a stored provider connection into a live adapter, with the process's one HTTP client."""

from __future__ import annotations

from typing import Any

import httpx

from core.connections.models import ProviderConnection
from core.errors import InvalidInput
from providers.base import ProviderAdapter

USER_AGENT = "reseller-panel/0.1 (+https://github.com/)"


def new_http_client(timeout_seconds: float) -> httpx.AsyncClient:
    """The shared client for every upstream call of a process. Redirects are never followed.

    httpx's timeouts are per network operation; adapters add the total deadline per call on top.
    """
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(timeout_seconds),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        headers={"User-Agent": USER_AGENT},
    )


class AdapterFactory:
    """Builds the adapter for a provider connection from the registry, the shared client and the deadline."""

    def __init__(self, registry: Any, http: httpx.AsyncClient, timeout_seconds: float) -> None:
        self.registry = registry
        self.http = http
        self.timeout_seconds = timeout_seconds

    def for_connection(self, connection: ProviderConnection) -> ProviderAdapter:
        """A ready adapter for `connection`; InvalidInput when its adapter is not installed."""
        try:
            adapter_cls = self.registry.get(connection.adapter_key)
        except KeyError:
            raise InvalidInput(
                f"provider {connection.name!r} uses adapter {connection.adapter_key!r}, which is not installed"
            ) from None
        adapter: ProviderAdapter = adapter_cls(
            base_url=connection.base_url,
            api_key=connection.api_key,
            http=self.http,
            timeout=self.timeout_seconds,
            settings=connection.settings or None,
        )
        return adapter

    def __repr__(self) -> str:
        return f"AdapterFactory(timeout={self.timeout_seconds})"
