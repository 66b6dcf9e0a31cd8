"""Retries that race (PostgreSQL): the same Idempotency-Key sent many times at once acts once."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from api.app import create_app
from core.db.database import Database
from core.invariants import check_invariants
from core.ledger.models import LedgerEntry
from core.orders.models import Order
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.rest.builders import seed_catalog
from tests.rest.conftest import rest_settings

ATTEMPTS = 8


async def _count(db: Database, model: type[Order] | type[LedgerEntry]) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_racing_retries_place_one_order_and_fund_once(
    pg_db: Database, registry: AdapterRegistry
) -> None:
    catalog = await seed_catalog(pg_db, rest_settings())
    customer, customer_key = await make_user(pg_db, "racer@example.com", balance="100")
    _, admin_key = await make_user(pg_db, "boss@example.com", admin=True)
    app = create_app(pg_db, rest_settings(), registry=registry)
    order = {"service_id": catalog.followers, "link": "https://instagram.com/racer", "quantity": 1000}
    deposit = {"kind": "deposit", "amount": "10", "reason": "card payment 77"}
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://panel.test") as http:
        orders = await asyncio.gather(
            *[
                http.post(
                    "/api/orders",
                    json=order,
                    headers={"Authorization": f"Bearer {customer_key}", "Idempotency-Key": "cart-1"},
                )
                for _ in range(ATTEMPTS)
            ]
        )
        deposits = await asyncio.gather(
            *[
                http.post(
                    f"/api/admin/customers/{customer.id}/balance",
                    json=deposit,
                    headers={"Authorization": f"Bearer {admin_key}", "Idempotency-Key": "payment-77"},
                )
                for _ in range(ATTEMPTS)
            ]
        )
    assert {response.status_code for response in orders} == {201}
    assert len({response.json()["id"] for response in orders}) == 1
    assert [r.headers["Idempotent-Replayed"] for r in orders].count("false") == 1
    assert {response.status_code for response in deposits} == {201}
    assert len({response.json()["id"] for response in deposits}) == 1
    assert await _count(pg_db, Order) == 1
    # The customer's opening deposit, the order's charge, and one admin deposit.
    assert await _count(pg_db, LedgerEntry) == 3
    async with pg_db.transaction() as session:
        assert await check_invariants(session) == []
