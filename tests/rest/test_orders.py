"""Customer orders: idempotent placement, listing and filters, one order, refill and cancel requests."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from core.db.database import Database
from core.invariants import check_invariants
from core.ledger.models import LedgerEntry
from core.orders.domain import OrderState
from core.orders.models import Order
from core.users.models import User
from tests.rest.builders import Catalog, advance, place
from tests.rest.conftest import Actor, ClientFactory


async def _balance(db: Database, user_id: int) -> Decimal:
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.balance


async def _counts(db: Database) -> tuple[int, int]:
    async with db.transaction() as session:
        orders = await session.scalar(select(func.count()).select_from(Order))
        entries = await session.scalar(select(func.count()).select_from(LedgerEntry))
    return int(orders or 0), int(entries or 0)


async def test_an_order_is_placed_and_charged(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order = {"service_id": catalog.followers, "link": "https://instagram.com/alice", "quantity": 1000}
    async with client(alice) as http:
        response = await http.post("/api/orders", json=order)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["status_label"] == "Pending"
    assert body["charge"] == "1.30000"
    assert body["refunded"] == "0.00000"
    assert body["quantity"] == 1000
    assert response.headers["Idempotent-Replayed"] == "false"
    assert await _balance(db, alice.id) == Decimal("98.70000")


async def test_the_same_idempotency_key_gives_the_same_order_and_one_charge(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order = {"service_id": catalog.likes, "link": "https://instagram.com/p/1", "quantity": 500}
    headers = {"Idempotency-Key": "checkout-42"}
    async with client(alice) as http:
        first = await http.post("/api/orders", json=order, headers=headers)
        again = await http.post("/api/orders", json=order, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _counts(db) == (1, 2)  # one order; the opening deposit and one charge
    assert await _balance(db, alice.id) == Decimal("100") - Decimal(first.json()["charge"])


async def test_the_same_key_with_another_body_is_a_conflict(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order = {"service_id": catalog.likes, "link": "https://instagram.com/p/1", "quantity": 500}
    headers = {"Idempotency-Key": "checkout-43"}
    async with client(alice) as http:
        await http.post("/api/orders", json=order, headers=headers)
        other = await http.post("/api/orders", json={**order, "quantity": 600}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "request_id_reused"
    assert await _counts(db) == (1, 2)


async def test_insufficient_funds_changes_nothing(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order = {"service_id": catalog.followers, "link": "https://instagram.com/alice", "quantity": 10_000}
    async with client(alice) as http:
        await http.post("/api/orders", json={**order, "quantity": 10_000})  # 13.00
        for _ in range(6):
            await http.post("/api/orders", json=order)
        before = (await _counts(db), await _balance(db, alice.id))
        refused = await http.post("/api/orders", json=order, headers={"Idempotency-Key": "too-much"})
    assert refused.status_code == 402
    assert refused.json() == {
        "error": {"code": "insufficient_funds", "message": "Not enough funds on balance"}
    }
    assert (await _counts(db), await _balance(db, alice.id)) == before
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_bad_orders_are_refused_with_the_reason(
    client: ClientFactory, alice: Actor, catalog: Catalog
) -> None:
    async with client(alice) as http:
        below = await http.post("/api/orders", json={"service_id": catalog.likes, "link": "x", "quantity": 1})
        no_link = await http.post("/api/orders", json={"service_id": catalog.likes, "quantity": 100})
        unknown = await http.post("/api/orders", json={"service_id": 999_999, "link": "x", "quantity": 100})
        malformed = await http.post("/api/orders", json={"service_id": "one", "quantity": 100})
        extra = await http.post("/api/orders", json={"service_id": catalog.likes, "colour": "red"})
    assert below.status_code == 422
    assert below.json()["error"] == {
        "code": "quantity_below_minimum",
        "message": "Quantity less than minimal 10",
    }
    assert no_link.status_code == 422
    assert no_link.json()["error"]["code"] == "bad_link"
    assert unknown.status_code == 404
    assert malformed.status_code == 400
    assert extra.status_code == 400


async def test_list_comments_are_accepted_as_a_list(
    client: ClientFactory, alice: Actor, catalog: Catalog
) -> None:
    order = {
        "service_id": catalog.comments,
        "link": "https://instagram.com/p/2",
        "comments": ["nice", "great", "wow"],
    }
    async with client(alice) as http:
        response = await http.post("/api/orders", json=order)
    assert response.status_code == 201
    body = response.json()
    assert body["quantity"] == 3
    assert body["params"] == {"comments": "nice\ngreat\nwow"}
    assert body["charge"] == "0.01560"  # 3 × 5.20 / 1000


async def test_orders_are_listed_newest_first_and_filtered(
    client: ClientFactory, alice: Actor, bob: Actor, catalog: Catalog, db: Database
) -> None:
    first = await place(db, alice.id, catalog.likes)
    second = await place(db, alice.id, catalog.followers)
    third = await place(db, alice.id, catalog.followers)
    await place(db, bob.id, catalog.followers)
    await advance(db, third, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    async with client(alice) as http:
        everything = (await http.get("/api/orders")).json()
        followers = (await http.get("/api/orders", params={"service_id": catalog.followers})).json()
        completed = (await http.get("/api/orders", params={"status": "completed"})).json()
        pending = (await http.get("/api/orders", params={"status": "pending", "page_size": 1})).json()
        bad = await http.get("/api/orders", params={"status": "lost"})
    assert [o["id"] for o in everything["items"]] == [third, second, first]
    assert [o["id"] for o in followers["items"]] == [third, second]
    assert [o["id"] for o in completed["items"]] == [third]
    assert pending["total"] == 2
    assert [o["id"] for o in pending["items"]] == [second]
    assert bad.status_code == 422


async def test_one_order(client: ClientFactory, alice: Actor, catalog: Catalog, db: Database) -> None:
    order_id = await place(db, alice.id, catalog.followers, 200)
    await advance(db, order_id, OrderState.PARTIAL, provider_id=catalog.provider_id, cost="0.2", remains=50)
    async with client(alice) as http:
        body = (await http.get(f"/api/orders/{order_id}")).json()
        missing = await http.get("/api/orders/424242")
    assert body["status"] == "partial"
    assert body["charge"] == "0.26000"
    assert body["refunded"] == "0.06500"
    assert body["remains"] == 50
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unknown_order"


async def test_refill_of_a_completed_order(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    done = await place(db, alice.id, catalog.followers)
    running = await place(db, alice.id, catalog.followers)
    no_refill = await place(db, alice.id, catalog.likes)
    await advance(db, done, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    await advance(db, no_refill, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.05")
    async with client(alice) as http:
        refill = await http.post(f"/api/orders/{done}/refill")
        twice = await http.post(f"/api/orders/{done}/refill")
        too_early = await http.post(f"/api/orders/{running}/refill")
        not_offered = await http.post(f"/api/orders/{no_refill}/refill")
        listed = (await http.get("/api/refills")).json()
        by_order = (await http.get("/api/refills", params={"order_id": running})).json()
        one = await http.get(f"/api/refills/{refill.json()['id']}")
        missing = await http.get("/api/refills/5555")
    assert refill.status_code == 201
    assert refill.json()["status"] == "pending"
    assert refill.json()["order_id"] == done
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "not_available"
    assert too_early.status_code == 409
    assert not_offered.status_code == 409
    assert [r["id"] for r in listed["items"]] == [refill.json()["id"]]
    assert by_order["items"] == []
    assert one.json() == refill.json()
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unknown_refill"


async def test_cancel_request(client: ClientFactory, alice: Actor, catalog: Catalog, db: Database) -> None:
    running = await place(db, alice.id, catalog.followers)
    no_cancel = await place(db, alice.id, catalog.likes)
    finished = await place(db, alice.id, catalog.followers)
    await advance(db, running, OrderState.IN_PROGRESS, provider_id=catalog.provider_id, cost="0.1")
    await advance(db, finished, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    async with client(alice) as http:
        cancel = await http.post(f"/api/orders/{running}/cancel")
        twice = await http.post(f"/api/orders/{running}/cancel")
        refused = await http.post(f"/api/orders/{no_cancel}/cancel")
        too_late = await http.post(f"/api/orders/{finished}/cancel")
    assert cancel.status_code == 202
    assert cancel.json()["status"] == "pending"
    assert cancel.json()["order_id"] == running
    assert twice.status_code == 409
    assert refused.status_code == 409
    assert too_late.status_code == 409
