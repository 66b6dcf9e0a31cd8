"""What the REST handlers share: the database, the settings, and the way to reach providers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.catalog.pricing import PricingConfig
from core.connections.adapters import AdapterFactory, new_http_client
from core.db.database import Database
from core.settings import Settings


def _registry_from_env() -> Any:
    # Imported here: only the admin's provider calls need the plugins, and loading them may fail loudly.
    from providers.registry import allow_deny_from_env, load_adapters

    allow, deny = allow_deny_from_env(os.environ)
    return load_adapters(allow=allow, deny=deny)


@dataclass
class Upstream:
    """The adapter registry and the one HTTP client admin actions call providers with, opened on first use."""

    timeout_seconds: float
    registry: Any = None
    _http: httpx.AsyncClient | None = field(default=None, repr=False)

    def adapters(self) -> AdapterFactory:
        """An adapter factory on the shared client."""
        if self.registry is None:
            self.registry = _registry_from_env()
        if self._http is None:
            self._http = new_http_client(self.timeout_seconds)
        return AdapterFactory(self.registry, self._http, self.timeout_seconds)

    def catalog(self) -> Any:
        """The adapter registry (for validating adapter keys and settings)."""
        if self.registry is None:
            self.registry = _registry_from_env()
        return self.registry

    async def close(self) -> None:
        """Close the HTTP client, if it was opened."""
        client, self._http = self._http, None
        if client is not None:
            await client.aclose()


@dataclass
class RestContext:
    """The database, settings and provider access of one REST application."""

    db: Database
    settings: Settings
    upstream: Upstream

    @property
    def pricing(self) -> PricingConfig:
        """The pricing settings catalog changes reprice with."""
        return PricingConfig.from_settings(self.settings)

    def __deepcopy__(self, memo: dict[int, Any]) -> RestContext:
        # Litestar deep-copies routers (and their middleware arguments) when it mounts them; the
        # context holds the engine and the HTTP client, which must be shared, not copied.
        return self

    def __repr__(self) -> str:
        return f"RestContext(db={self.db!r})"
