"""Test data for the API tests: catalog rows, order states, and a client that speaks /api/v2."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select, update

from core.catalog.models import ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.ledger.models import LedgerEntry
from core.orders.domain import OrderState
from core.orders.models import CancelRequest, Order, Refill
from core.users.models import User

_external_ids = itertools.count(1)


async def _provider(db: Database) -> int:
    async with db.transaction() as session:
        existing = await session.scalar(select(ProviderConnection.id).where(ProviderConnection.name == "sim"))
        if existing is not None:
            return existing
        connection = ProviderConnection(
            name="sim",
            adapter_key="simulated",
            base_url="sim://local",
            api_key="provider-secret",
            currency="USD",
        )
        session.add(connection)
        await session.flush()
        return connection.id


async def make_service(
    db: Database,
    *,
    name: str = "Instagram Followers",
    type: str = "Default",
    category: str = "Instagram",
    rate: str = "1.20",
    min_quantity: int = 10,
    max_quantity: int = 10_000,
    refill: bool = False,
    cancel: bool = False,
    dripfeed: bool = False,
    enabled: bool = True,
    description: str | None = None,
) -> int:
    """A service on sale with one live route to a provider service; returns the service id."""
    provider_id = await _provider(db)
    async with db.transaction() as session:
        upstream = ProviderService(
            provider_id=provider_id,
            external_id=str(next(_external_ids)),
            name=name,
            type=type,
            category=category,
            rate=Decimal("0.5"),
            min_quantity=min_quantity,
            max_quantity=max_quantity,
            refill=refill,
            cancel=cancel,
            dripfeed=dripfeed,
        )
        session.add(upstream)
        await session.flush()
        service = Service(
            name=name,
            category=category,
            type=type,
            min_quantity=min_quantity,
            max_quantity=max_quantity,
            description=description,
            enabled=enabled,
            refill=refill,
            cancel=cancel,
            dripfeed=dripfeed,
            rate=Decimal(rate),
            source_provider_service_id=upstream.id,
            disabled_reason=None if enabled else "test",
        )
        session.add(service)
        await session.flush()
        session.add(ServiceRoute(service_id=service.id, provider_service_id=upstream.id, priority=0))
        return service.id


async def set_order_state(
    db: Database,
    order_id: int,
    state: OrderState,
    *,
    provider_order_id: str | None = "upstream-1",
    start_count: int | None = None,
    remains: int | None = None,
    refunded: Decimal | None = None,
) -> None:
    """Move an order as the workers would (tests only; no money moves here)."""
    values: dict[str, Any] = {
        "state": state,
        "provider_order_id": provider_order_id,
        "start_count": start_count,
        "remains": remains,
    }
    if refunded is not None:
        values["refunded"] = refunded
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == order_id).values(**values))


@dataclass(frozen=True)
class Snapshot:
    """Everything a refused request must leave untouched."""

    balances: tuple[tuple[int, Decimal], ...]
    orders: int
    ledger_entries: int
    refills: int
    cancels: int


async def snapshot(db: Database) -> Snapshot:
    """Balances and row counts of the tables an API call can write."""
    async with db.transaction() as session:
        balances = tuple(
            (row.id, row.balance) for row in await session.scalars(select(User).order_by(User.id))
        )

        async def count(model: Any) -> int:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

        return Snapshot(
            balances,
            await count(Order),
            await count(LedgerEntry),
            await count(Refill),
            await count(CancelRequest),
        )


async def balance_of(db: Database, user_id: int) -> Decimal:
    """A user's balance as stored."""
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.balance


class V2Client:
    """Calls /api/v2 like an SMM client: form POST by default; checks the transport rules on every reply."""

    def __init__(self, http: httpx.AsyncClient, key: str) -> None:
        self.http = http
        self.key = key

    async def raw(self, method: str = "POST", path: str = "/api/v2", **kwargs: Any) -> Any:
        """Send a request as given; assert HTTP 200 + application/json; return the decoded body."""
        response = await self.http.request(method, path, **kwargs)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == "application/json"
        return response.json()

    async def call(self, action: str, *, key: str | None = None, **params: Any) -> Any:
        """POST a urlencoded form with this client's key."""
        data = {
            "key": self.key if key is None else key,
            "action": action,
            **{k: str(v) for k, v in params.items()},
        }
        return await self.raw(data=data)
