"""Admin: customers — create, list, discount, fund or debit with a reason, ledger, keys."""

from __future__ import annotations

from core.db.database import Database
from core.invariants import check_invariants
from tests.rest.conftest import Actor, ClientFactory


async def test_create_list_get_and_discount(client: ClientFactory, admin: Actor, alice: Actor) -> None:
    async with client(admin) as http:
        created = await http.post(
            "/api/admin/customers",
            json={"email": "Carol@Example.com", "balance": "25.5", "discount_percent": "5"},
        )
        duplicate = await http.post("/api/admin/customers", json={"email": "carol@example.com"})
        not_email = await http.post("/api/admin/customers", json={"email": "carol"})
        listed = (await http.get("/api/admin/customers")).json()
        customers = (
            await http.get("/api/admin/customers", params={"role": "customer", "email": "CAR"})
        ).json()
        carol_id = created.json()["customer"]["id"]
        discounted = await http.patch(f"/api/admin/customers/{carol_id}", json={"discount_percent": "12.5"})
        too_much = await http.patch(f"/api/admin/customers/{carol_id}", json={"discount_percent": "101"})
        one = (await http.get(f"/api/admin/customers/{carol_id}")).json()
        missing = await http.get("/api/admin/customers/4040")
    assert created.status_code == 201
    carol = created.json()
    assert carol["customer"]["email"] == "carol@example.com"
    assert carol["customer"]["balance"] == "25.50000"
    assert carol["customer"]["discount_percent"] == "5.0000"
    assert len(carol["api_key"]) == 32
    assert duplicate.status_code == 409
    assert not_email.status_code == 422
    assert listed["total"] == 3
    assert [c["email"] for c in customers["items"]] == ["carol@example.com"]
    assert discounted.json()["discount_percent"] == "12.5000"
    assert too_much.status_code == 422
    assert one == discounted.json()
    assert missing.status_code == 404
    async with client(Actor(carol_id, "carol@example.com", carol["api_key"])) as http:
        assert (await http.get("/api/account")).json()["balance"] == "25.50000"


async def test_fund_and_debit_with_a_reason_exactly_once(
    client: ClientFactory, admin: Actor, alice: Actor, db: Database
) -> None:
    url = f"/api/admin/customers/{alice.id}/balance"
    async with client(admin) as http:
        funded = await http.post(
            url,
            json={"kind": "deposit", "amount": "50", "reason": "bank transfer 881"},
            headers={"Idempotency-Key": "tx-881"},
        )
        replayed = await http.post(
            url,
            json={"kind": "deposit", "amount": "50", "reason": "bank transfer 881"},
            headers={"Idempotency-Key": "tx-881"},
        )
        reused = await http.post(
            url,
            json={"kind": "deposit", "amount": "60", "reason": "bank transfer 881"},
            headers={"Idempotency-Key": "tx-881"},
        )
        debit = await http.post(
            url, json={"kind": "adjustment", "amount": "-20.12345", "reason": "chargeback"}
        )
        overdraft = await http.post(url, json={"kind": "adjustment", "amount": "-1000", "reason": "oops"})
        negative_deposit = await http.post(url, json={"kind": "deposit", "amount": "-5", "reason": "no"})
        no_reason = await http.post(url, json={"kind": "deposit", "amount": "5", "reason": ""})
        too_precise = await http.post(url, json={"kind": "deposit", "amount": "1.123456", "reason": "x"})
        ledger = (await http.get(f"/api/admin/customers/{alice.id}/ledger")).json()
        deposits = (
            await http.get(f"/api/admin/customers/{alice.id}/ledger", params={"kind": "deposit"})
        ).json()
        customer = (await http.get(f"/api/admin/customers/{alice.id}")).json()
    assert funded.status_code == 201
    assert funded.json()["balance_after"] == "150.00000"
    assert funded.json()["memo"] == "bank transfer 881"
    assert funded.headers["Idempotent-Replayed"] == "false"
    assert replayed.json() == funded.json()
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert reused.status_code == 409
    assert debit.json()["kind"] == "adjustment"
    assert debit.json()["amount"] == "-20.12345"
    assert overdraft.status_code == 402
    assert negative_deposit.status_code == 422
    assert no_reason.status_code == 400
    assert too_precise.status_code == 400
    assert [e["amount"] for e in ledger["items"]] == ["-20.12345", "50.00000", "100.00000"]
    assert deposits["total"] == 2
    assert customer["balance"] == "129.87655"
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_keys_rotate_and_revoke(client: ClientFactory, admin: Actor, alice: Actor) -> None:
    async with client(admin) as http:
        rotated = (await http.post(f"/api/admin/customers/{alice.id}/keys/rotate")).json()
        keys = (await http.get(f"/api/admin/customers/{alice.id}/keys")).json()
    assert len(rotated["api_key"]) == 32
    assert [k["revoked_at"] is None for k in keys["items"]] == [True, False]
    assert keys["items"][0]["prefix"] == rotated["api_key"][:6]
    assert alice.key not in str(keys)
    async with client(alice) as http:
        assert (await http.get("/api/account")).status_code == 401
    fresh = Actor(alice.id, alice.email, rotated["api_key"])
    async with client(fresh) as http:
        assert (await http.get("/api/account")).status_code == 200
    async with client(admin) as http:
        revoked = (await http.post(f"/api/admin/customers/{alice.id}/keys/revoke")).json()
        missing = await http.post("/api/admin/customers/999/keys/revoke")
    assert revoked == {"revoked": 1}
    assert missing.status_code == 404
    async with client(fresh) as http:
        assert (await http.get("/api/account")).status_code == 401


async def test_the_callers_account_and_ledger(client: ClientFactory, alice: Actor, admin: Actor) -> None:
    async with client(admin) as http:
        await http.post(
            f"/api/admin/customers/{alice.id}/balance",
            json={"kind": "adjustment", "amount": "-0.5", "reason": "fee"},
        )
    async with client(alice) as http:
        account = (await http.get("/api/account")).json()
        ledger = (await http.get("/api/account/ledger")).json()
        adjustments = (await http.get("/api/account/ledger", params={"kind": "adjustment"})).json()
    assert account["email"] == "alice@example.com"
    assert account["balance"] == "99.50000"
    assert account["currency"] == "USD"
    assert account["discount_percent"] == "0.0000"
    assert account["role"] == "customer"
    assert [e["kind"] for e in ledger["items"]] == ["adjustment", "deposit"]
    assert adjustments["total"] == 1
