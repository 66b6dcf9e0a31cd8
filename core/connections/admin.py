"""The reseller's hand on provider connections: look up by id, edit, enable/disable, test.

Whatever changes what a provider's services cost us or whether they are live (its currency, its
enabled flag) reprices every service routed to it in the same transaction, so the catalog rules (no live
route, margin guard, missing exchange rate) hold the moment the change commits.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.pricing import PricingConfig, reprice_services
from core.catalog.repository import services_routed_to
from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.connections.service import AdapterCatalog
from core.db.database import Database
from core.errors import DomainError, InvalidInput, NotFound
from core.money import amount
from core.pagination import Page, PageRequest, paginate
from providers.errors import ProviderError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)
EDITABLE_FIELDS = ("base_url", "api_key", "currency", "settings", "enabled")


async def provider_by_id(session: AsyncSession, provider_id: int) -> ProviderConnection:
    """The provider connection, or NotFound."""
    connection = await session.get(ProviderConnection, provider_id)
    if connection is None:
        raise NotFound(f"unknown provider {provider_id}")
    return connection


async def providers_page(session: AsyncSession, request: PageRequest) -> Page[ProviderConnection]:
    """Provider connections by name."""
    query = select(ProviderConnection).order_by(ProviderConnection.name, ProviderConnection.id)
    return await paginate(session, query, request)


def _checked(adapters: AdapterCatalog, connection: ProviderConnection, name: str, value: Any) -> Any:
    if name == "base_url":
        url = str(value or "").strip()
        if not url or len(url) > 2000 or not _URL.match(url):
            raise InvalidInput("the provider URL must look like https://host/api/v2")
        return url
    if name == "api_key":
        key = str(value or "").strip()
        if not key or len(key) > 500:
            raise InvalidInput("the provider API key must be 1-500 characters")
        return key
    if name == "currency":
        code = str(value or "").strip().upper()
        if not _CURRENCY.match(code):
            raise InvalidInput(f"not a currency code: {value!r}")
        return code
    if name == "enabled":
        if not isinstance(value, bool):
            raise InvalidInput("enabled must be true or false")
        return value
    if not isinstance(value, dict):
        raise InvalidInput("settings must be an object")
    try:
        adapters.get(connection.adapter_key).validate_settings(value)
    except KeyError:
        raise InvalidInput(f"adapter {connection.adapter_key!r} is not installed") from None
    except (ValueError, TypeError) as exc:
        raise InvalidInput(str(exc)) from None
    return dict(value)


async def update_provider(
    session: AsyncSession,
    adapters: AdapterCatalog,
    config: PricingConfig,
    provider_id: int,
    changes: dict[str, Any],
) -> ProviderConnection:
    """Edit a connection's URL, key, currency, adapter settings or enabled flag; reprice when needed."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(f"not editable: {', '.join(unknown)}")
    connection = await provider_by_id(session, provider_id)
    values = {name: _checked(adapters, connection, name, value) for name, value in changes.items()}
    reprice = any(
        name in ("currency", "enabled") and getattr(connection, name) != value
        for name, value in values.items()
    )
    for name, value in values.items():
        setattr(connection, name, value)
    if "currency" in values and connection.balance_currency not in (None, connection.currency):
        # A balance in the old currency would mislead dispatch's "can the provider afford it" check.
        connection.balance = connection.balance_currency = connection.balance_checked_at = None
    await session.flush()
    if reprice:
        await reprice_services(session, await services_routed_to(session, connection.id), config)
    return connection


@dataclass(frozen=True)
class ConnectionTest:
    """The outcome of asking a provider for its balance and catalog, without storing anything."""

    provider_id: int
    ok: bool
    elapsed_ms: int
    balance: Decimal | None = None
    currency: str | None = None
    services: int | None = None
    error: str | None = None


def _safe(message: str, secret: str) -> str:
    """An upstream error message without the provider key (adapters should never echo it; belt and braces)."""
    return message.replace(secret, "***") if secret else message


async def test_connection(db: Database, adapters: AdapterFactory, provider_id: int) -> ConnectionTest:
    """Call the provider's `balance` and `services` now and report what happened.

    Runs outside any transaction (a slow provider must not hold a database connection) and changes
    nothing; `connections.balance.check_balance` is the call that stores the balance.
    """
    async with db.transaction() as session:
        connection = await provider_by_id(session, provider_id)
    started = time.monotonic()
    try:
        adapter = adapters.for_connection(connection)
        info = await adapter.balance()
        catalog = await adapter.services()
    except (ProviderError, DomainError) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        error = _safe(f"{type(exc).__name__}: {exc}", connection.api_key)[:500]
        return ConnectionTest(provider_id, False, elapsed, error=error)
    elapsed = int((time.monotonic() - started) * 1000)
    currency = (info.currency or connection.currency).upper()[:3]
    return ConnectionTest(provider_id, True, elapsed, amount(info.balance), currency, len(catalog))
