"""Admin: order search, one order in full, the unknown-outcome queue and its verdicts, manual refunds."""

from __future__ import annotations

from core.db.database import Database
from core.invariants import check_invariants
from core.orders.domain import OrderState
from tests.rest.builders import Catalog, advance, place
from tests.rest.conftest import Actor, ClientFactory


async def test_search_orders(
    client: ClientFactory, admin: Actor, alice: Actor, bob: Actor, catalog: Catalog, db: Database
) -> None:
    first = await place(db, alice.id, catalog.likes)
    second = await place(db, bob.id, catalog.followers)
    third = await place(db, bob.id, catalog.followers)
    await advance(
        db,
        second,
        OrderState.IN_PROGRESS,
        provider_id=catalog.provider_id,
        provider_order_id="UP-77",
        cost="0.1",
    )
    await advance(
        db,
        third,
        OrderState.UNKNOWN,
        provider_id=catalog.backup_provider_id,
        cost="0.08",
        cost_currency="EUR",
        exchange_rate="1.1",
    )
    async with client(admin) as http:
        everything = (await http.get("/api/admin/orders")).json()
        bobs = (await http.get("/api/admin/orders", params={"user_id": bob.id})).json()
        states = (
            await http.get("/api/admin/orders", params=[("state", "in_progress"), ("state", "unknown")])
        ).json()
        upstream = (await http.get("/api/admin/orders", params={"provider_order_id": "UP-77"})).json()
        by_provider = (
            await http.get("/api/admin/orders", params={"provider_id": catalog.backup_provider_id})
        ).json()
        likes = (await http.get("/api/admin/orders", params={"service_id": catalog.likes})).json()
        future = (await http.get("/api/admin/orders", params={"created_from": "2999-01-01T00:00:00"})).json()
        past = (await http.get("/api/admin/orders", params={"created_before": "2000-01-01T00:00:00Z"})).json()
        flagged = (await http.get("/api/admin/orders", params={"flagged": True})).json()
        unknown = (await http.get("/api/admin/orders/unknown")).json()
        bad_state = await http.get("/api/admin/orders", params={"state": "lost"})
    assert [o["id"] for o in everything["items"]] == [third, second, first]
    assert [o["id"] for o in bobs["items"]] == [third, second]
    assert [o["id"] for o in states["items"]] == [third, second]
    assert [o["id"] for o in upstream["items"]] == [second]
    assert [o["id"] for o in by_provider["items"]] == [third]
    assert [o["id"] for o in likes["items"]] == [first]
    assert future["total"] == 0
    assert past["total"] == 0
    assert flagged["total"] == 0
    assert [o["id"] for o in unknown["items"]] == [third]
    assert unknown["items"][0]["cost"] == "0.08000"
    assert unknown["items"][0]["cost_currency"] == "EUR"
    assert unknown["items"][0]["exchange_rate"] == "1.1000000000"
    assert bad_state.status_code == 400


async def test_one_order_in_full(
    client: ClientFactory, admin: Actor, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order_id = await place(db, alice.id, catalog.followers)
    await advance(db, order_id, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="0.1")
    async with client(alice) as http:
        await http.post(f"/api/orders/{order_id}/refill")
    async with client(admin) as http:
        detail = (await http.get(f"/api/admin/orders/{order_id}")).json()
        missing = await http.get("/api/admin/orders/9999")
    assert detail["order"]["provider_order_id"] == "UP-1"
    assert detail["order"]["state"] == "completed"
    assert [e["kind"] for e in detail["events"]] == ["placed", "refill_requested"]
    assert [r["state"] for r in detail["refills"]] == ["requested"]
    assert detail["cancels"] == []
    assert missing.status_code == 404


async def test_resolving_unknown_orders(
    client: ClientFactory, admin: Actor, alice: Actor, catalog: Catalog, db: Database
) -> None:
    found, resend, refund, running = [await place(db, alice.id, catalog.followers) for _ in range(4)]
    for order_id in (found, resend, refund):
        await advance(
            db,
            order_id,
            OrderState.UNKNOWN,
            provider_id=catalog.provider_id,
            provider_order_id=None,
            cost="0.1",
        )
    await advance(db, running, OrderState.PENDING, provider_id=catalog.provider_id, cost="0.1")
    async with client(admin) as http:
        missing_id = await http.post(f"/api/admin/orders/{found}/resolve", json={"resolution": "found"})
        was_found = await http.post(
            f"/api/admin/orders/{found}/resolve", json={"resolution": "found", "provider_order_id": "UP-900"}
        )
        resent = await http.post(f"/api/admin/orders/{resend}/resolve", json={"resolution": "resend"})
        refunded = await http.post(f"/api/admin/orders/{refund}/resolve", json={"resolution": "refund"})
        not_unknown = await http.post(f"/api/admin/orders/{running}/resolve", json={"resolution": "refund"})
        queue = (await http.get("/api/admin/orders/unknown")).json()
    assert missing_id.status_code == 422
    assert was_found.json()["state"] == "pending"
    assert was_found.json()["provider_order_id"] == "UP-900"
    assert resent.json()["state"] == "queued"
    assert resent.json()["provider_id"] is None
    assert refunded.json()["state"] == "canceled"
    assert refunded.json()["refunded"] == refunded.json()["charge"]
    assert not_unknown.status_code == 409
    assert queue["total"] == 0
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_manual_refunds(
    client: ClientFactory, admin: Actor, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order_id = await place(db, alice.id, catalog.followers, 1000)  # charge 1.30000
    await advance(db, order_id, OrderState.IN_PROGRESS, provider_id=catalog.provider_id, cost="1.0")
    url = f"/api/admin/orders/{order_id}/refund"
    async with client(admin) as http:
        part = await http.post(
            url, json={"amount": "0.3", "reason": "slow delivery"}, headers={"Idempotency-Key": "r1"}
        )
        replay = await http.post(
            url, json={"amount": "0.3", "reason": "slow delivery"}, headers={"Idempotency-Key": "r1"}
        )
        too_much = await http.post(url, json={"amount": "1.01", "reason": "too much"})
        rest = await http.post(url, json={"reason": "customer unhappy"})
        nothing_left = await http.post(url, json={"reason": "again"})
        missing = await http.post("/api/admin/orders/8888/refund", json={"reason": "x"})
    assert part.status_code == 201
    assert part.json()["refunded_now"] == "0.30000"
    assert part.json()["order"]["refunded"] == "0.30000"
    assert replay.json()["refunded_now"] == "0.00000"
    assert replay.json()["ledger_entry_id"] == part.json()["ledger_entry_id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert too_much.status_code == 409
    assert rest.json()["refunded_now"] == "1.00000"
    assert rest.json()["order"]["refunded"] == "1.30000"
    assert nothing_left.status_code == 409
    assert missing.status_code == 404
    # The order finishing Canceled later owes nothing more: the customer never gets back more than paid.
    await advance(db, order_id, OrderState.CANCELED)
    async with client(alice) as http:
        account = (await http.get("/api/account")).json()
    assert account["balance"] == "100.00000"
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_an_unknown_order_is_resolved_not_refunded_by_hand(
    client: ClientFactory, admin: Actor, alice: Actor, catalog: Catalog, db: Database
) -> None:
    order_id = await place(db, alice.id, catalog.followers)
    await advance(db, order_id, OrderState.UNKNOWN, provider_id=catalog.provider_id, cost="0.1")
    async with client(admin) as http:
        refused = await http.post(f"/api/admin/orders/{order_id}/refund", json={"reason": "x"})
    assert refused.status_code == 409
