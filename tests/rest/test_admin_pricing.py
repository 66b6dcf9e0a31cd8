"""Admin: markup rules and exchange rates; every change reprices the catalog at once."""

from __future__ import annotations

import httpx

from core.db.database import Database
from core.invariants import check_invariants
from tests.rest.builders import Catalog
from tests.rest.conftest import Actor, ClientFactory


async def _rate(http: httpx.AsyncClient, service_id: int) -> str:
    response = await http.get(f"/api/admin/services/{service_id}")
    return str(response.json()["service"]["rate"])


async def test_markup_rules_from_global_to_service(
    client: ClientFactory, admin: Actor, catalog: Catalog
) -> None:
    async with client(admin) as http:
        global_rule = await http.put("/api/admin/pricing-rules", json={"scope": "global", "percent": "50"})
        after_global = await _rate(http, catalog.likes)
        category = await http.put(
            "/api/admin/pricing-rules",
            json={"scope": "category", "target": "Instagram", "percent": "20", "fixed_per_1000": "0.05"},
        )
        after_category = await _rate(http, catalog.likes)
        service = await http.put(
            "/api/admin/pricing-rules",
            json={"scope": "service", "target": str(catalog.likes), "percent": "100"},
        )
        after_service = await _rate(http, catalog.likes)
        replaced = await http.put(
            "/api/admin/pricing-rules",
            json={"scope": "service", "target": str(catalog.likes), "percent": "40"},
        )
        listed = (await http.get("/api/admin/pricing-rules")).json()
        deleted = await http.delete(f"/api/admin/pricing-rules/{service.json()['id']}")
        after_delete = await _rate(http, catalog.likes)
        again = await http.delete(f"/api/admin/pricing-rules/{service.json()['id']}")
        no_such_service = await http.put(
            "/api/admin/pricing-rules", json={"scope": "service", "target": "999", "percent": "1"}
        )
        not_an_id = await http.put(
            "/api/admin/pricing-rules", json={"scope": "provider", "target": "x", "percent": "1"}
        )
        below = await http.put("/api/admin/pricing-rules", json={"scope": "global", "percent": "-101"})
    assert global_rule.json()["target"] == ""
    assert global_rule.json()["percent"] == "50.0000"
    assert after_global == "0.750000"
    assert category.json()["fixed_per_1000"] == "0.050000"
    assert after_category == "0.650000"  # 0.5 × 1.2 + 0.05
    assert after_service == "1.000000"
    assert replaced.json()["id"] == service.json()["id"]
    assert listed["total"] == 3
    assert deleted.status_code == 204
    assert after_delete == "0.650000"
    assert again.status_code == 404
    assert no_such_service.status_code == 404
    assert not_an_id.status_code == 422
    assert below.status_code == 422


async def test_a_rule_below_cost_takes_services_off_sale(
    client: ClientFactory, admin: Actor, catalog: Catalog, db: Database
) -> None:
    async with client(admin) as http:
        await http.put("/api/admin/pricing-rules", json={"scope": "global", "percent": "-10"})
        on_sale = (await http.get("/api/admin/services", params={"enabled": True})).json()
        likes = (await http.get(f"/api/admin/services/{catalog.likes}")).json()["service"]
    assert on_sale["total"] == 0
    assert likes["disabled_reason"] == "sells below cost"
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_exchange_rates(client: ClientFactory, admin: Actor, catalog: Catalog) -> None:
    async with client(admin) as http:
        listed = (await http.get("/api/admin/exchange-rates")).json()
        eur_first = await _route_ids(http, catalog.followers, reverse=True)
        await http.put(f"/api/admin/services/{catalog.followers}/routes/order", json={"route_ids": eur_first})
        before = await _rate(http, catalog.followers)
        changed = await http.put("/api/admin/exchange-rates/eur", json={"rate": "1.2"})
        after = await _rate(http, catalog.followers)
        panel = await http.put("/api/admin/exchange-rates/USD", json={"rate": "2"})
        deleted = await http.delete("/api/admin/exchange-rates/EUR")
        followers = (await http.get(f"/api/admin/services/{catalog.followers}")).json()["service"]
        missing = await http.delete("/api/admin/exchange-rates/EUR")
        bad = await http.put("/api/admin/exchange-rates/EUR", json={"rate": "0"})
    assert listed["items"][0]["currency"] == "EUR"
    assert listed["items"][0]["rate"] == "1.1000000000"
    assert before == "1.144000"  # 0.8 EUR × 1.1 × 1.3
    assert changed.json()["rate"] == "1.2000000000"
    assert after == "1.248000"
    assert panel.status_code == 422
    assert deleted.status_code == 204
    assert followers["enabled"] is False
    assert followers["disabled_reason"] == "no exchange rate for EUR"
    assert missing.status_code == 404
    assert bad.status_code == 422


async def _route_ids(http: httpx.AsyncClient, service_id: int, *, reverse: bool) -> list[int]:
    routes = (await http.get(f"/api/admin/services/{service_id}/routes")).json()["items"]
    ids = [route["id"] for route in routes]
    return list(reversed(ids)) if reverse else ids
