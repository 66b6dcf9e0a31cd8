"""Use cases for provider connections: add, list, remove, enable/disable."""

from __future__ import annotations

import re
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.connections.models import ProviderConnection
from core.errors import Conflict, InvalidInput, NotFound
from core.orders.models import Order

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)


class AdapterCatalog(Protocol):
    """What core needs from the provider registry to validate a connection."""

    def get(self, key: str) -> Any:
        """The adapter class for a key; raises KeyError for an unknown key."""

    def keys(self) -> Any:
        """All registered adapter keys."""


def _validate_settings(adapter_cls: Any, raw: dict[str, Any]) -> dict[str, Any]:
    validate = getattr(adapter_cls, "validate_settings", None)
    if validate is None:
        return raw
    try:
        validate(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"bad settings for adapter {adapter_cls.key!r}: {exc}") from None
    return raw


async def add_provider(
    session: AsyncSession,
    adapters: AdapterCatalog,
    *,
    name: str,
    adapter_key: str,
    base_url: str | None,
    api_key: str,
    currency: str,
    settings: dict[str, Any] | None = None,
) -> ProviderConnection:
    """Register an upstream provider account."""
    if not _NAME.match(name):
        raise InvalidInput("a provider name is 1-100 letters, digits, '.', '_' or '-'")
    try:
        adapter_cls = adapters.get(adapter_key)
    except KeyError:
        known = ", ".join(sorted(adapters.keys()))
        raise InvalidInput(f"unknown adapter {adapter_key!r} (known: {known})") from None
    url = base_url or getattr(adapter_cls, "default_base_url", None)
    if not url or len(url) > 2000 or not _URL.match(url):
        raise InvalidInput("the provider URL must look like https://host/api/v2")
    if not api_key.strip() or len(api_key) > 500:
        raise InvalidInput("the provider API key must not be empty")
    code = currency.strip().upper()
    if not _CURRENCY.match(code):
        raise InvalidInput(f"not a currency code: {currency!r}")
    raw_settings = _validate_settings(adapter_cls, dict(settings or {}))
    if await session.scalar(select(ProviderConnection.id).where(ProviderConnection.name == name)):
        raise Conflict(f"provider {name!r} already exists")
    connection = ProviderConnection(
        name=name,
        adapter_key=adapter_key,
        base_url=url,
        api_key=api_key.strip(),
        currency=code,
        settings=raw_settings,
        enabled=True,
    )
    session.add(connection)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"provider {name!r} already exists") from None
    return connection


async def get_provider(session: AsyncSession, name: str) -> ProviderConnection:
    """The provider connection with this name, or NotFound."""
    connection = await session.scalar(select(ProviderConnection).where(ProviderConnection.name == name))
    if connection is None:
        raise NotFound(f"unknown provider {name!r}")
    return connection


async def list_providers(session: AsyncSession) -> list[ProviderConnection]:
    """Every provider connection by name."""
    return list(await session.scalars(select(ProviderConnection).order_by(ProviderConnection.name)))


async def remove_provider(session: AsyncSession, name: str) -> None:
    """Delete a provider that never received an order; one with orders can only be disabled."""
    connection = await get_provider(session, name)
    used = await session.scalar(select(func.count()).where(Order.provider_id == connection.id))
    if used:
        raise Conflict(f"provider {name!r} has {used} orders; disable it instead of removing it")
    await session.delete(connection)
    await session.flush()
