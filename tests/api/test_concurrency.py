"""Exactly-once under retries and races: client request ids, and a balance many requests compete for."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

from api.app import create_app
from core.catalog.models import Service
from core.db.database import Database
from core.invariants import check_invariants
from core.ledger.models import EntryKind, LedgerEntry
from core.orders.models import Order
from tests.api.builders import V2Client, balance_of, make_service, snapshot
from tests.api.conftest import ClientFactory, settings_for
from tests.factories import make_user

LINK = "https://instagram.com/p/abc"
PANEL = str(Path(sys.executable).with_name("panel"))


async def count_charges(db: Database) -> tuple[int, int]:
    async with db.transaction() as session:
        orders = await session.scalar(select(func.count()).select_from(Order))
        charges = await session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == EntryKind.CHARGE)
        )
    return int(orders or 0), int(charges or 0)


async def test_a_retried_add_with_the_same_request_id_returns_the_same_order(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    user_id, key = customer
    service = await make_service(db, rate="2")
    params = {"service": service, "link": LINK, "quantity": 500, "request_id": "cart-17"}
    async with v2_client(key) as client:
        first = await client.call("add", **params)
        again = await client.call("add", **{**params, "quantity": " 500"})
        assert again == first
        before = await snapshot(db)
        assert await client.call("add", **{**params, "quantity": 501}) == {
            "error": "Incorrect request: request_id was already used for a different order"
        }
        assert await snapshot(db) == before
        # The Idempotency-Key header works the same way; the parameter wins when both are sent.
        data = {"key": key, "action": "add", "service": str(service), "link": LINK, "quantity": "100"}
        by_header = await client.raw(data=data, headers={"Idempotency-Key": "hdr-1"})
        assert await client.raw(data=data, headers={"Idempotency-Key": "hdr-1"}) == by_header
        assert by_header != first
    assert await count_charges(db) == (2, 2)
    assert await balance_of(db, user_id) == Decimal("100") - Decimal("1") - Decimal("0.2")


async def test_a_retry_gets_its_order_even_after_the_service_was_disabled(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db)
    params = {"service": service, "link": LINK, "quantity": 100, "request_id": "late-retry"}
    async with v2_client(key) as client:
        first = await client.call("add", **params)
        async with db.transaction() as session:
            await session.execute(update(Service).where(Service.id == service).values(enabled=False))
        assert await client.call("add", **params) == first
        assert await client.call("add", **{**params, "request_id": "new"}) == {
            "error": "Incorrect service ID"
        }


async def test_request_ids_are_per_customer(db: Database, v2_client: ClientFactory) -> None:
    service = await make_service(db)
    _, alice = await make_user(db, "alice@example.com", balance="1")
    _, bob = await make_user(db, "bob@example.com", balance="1")
    params = {"service": service, "link": LINK, "quantity": 100, "request_id": "same"}
    async with v2_client(alice) as client:
        alice_order = await client.call("add", **params)
    async with v2_client(bob) as client:
        bob_order = await client.call("add", **params)
    assert alice_order != bob_order
    assert await count_charges(db) == (2, 2)


async def test_twenty_concurrent_retries_create_one_order_and_one_charge(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    user_id, key = customer
    service = await make_service(db, rate="1")
    params = {"service": service, "link": LINK, "quantity": 1000, "request_id": "storm"}
    async with v2_client(key) as client:
        replies = await asyncio.gather(*(client.call("add", **params) for _ in range(20)))
    assert len({reply["order"] for reply in replies}) == 1, replies
    assert await count_charges(db) == (1, 1)
    assert await balance_of(db, user_id) == Decimal("99")


async def test_two_hundred_concurrent_adds_spend_the_balance_exactly(pg_db: Database, pg_url: str) -> None:
    service = await make_service(pg_db, rate="1.00", min_quantity=10, max_quantity=10_000)
    user, key = await make_user(pg_db, "burst@example.com", balance="57")
    app = create_app(pg_db, settings_for())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://panel.test"
    ) as http:
        client = V2Client(http, key)
        replies = await asyncio.gather(
            *(client.call("add", service=service, link=f"{LINK}/{n}", quantity=1000) for n in range(200))
        )
    outcomes = Counter("order" if "order" in reply else reply["error"] for reply in replies)
    assert outcomes == {"order": 57, "Not enough funds on balance": 143}
    assert await count_charges(pg_db) == (57, 57)
    assert await balance_of(pg_db, user.id) == Decimal("0")
    async with pg_db.transaction() as session:
        assert await check_invariants(session) == []
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    doctor = subprocess.run(
        [PANEL, "doctor"],
        env={**environment, "PANEL_DATABASE_URL": pg_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert doctor.returncode == 0, doctor.stderr
