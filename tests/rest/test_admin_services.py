"""Admin: services from provider services, edits that survive catalog sync, enable/disable, routes."""

from __future__ import annotations

from core.catalog.pricing import PricingConfig
from core.catalog.service import sync_provider_catalog
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.invariants import check_invariants
from tests.rest.builders import PRIMARY_CATALOG, Catalog, info
from tests.rest.conftest import Actor, ClientFactory, rest_settings


async def test_create_a_service_with_fallback_routes(
    client: ClientFactory, admin: Actor, catalog: Catalog
) -> None:
    ps = catalog.provider_services
    body = {
        "provider_service_ids": [ps["9001"], ps["101"]],
        "name": "Followers (EU first)",
        "routing_policy": "cheapest",
        "markup_percent": "10",
    }
    async with client(admin) as http:
        created = await http.post("/api/admin/services", json=body)
        detail = (await http.get(f"/api/admin/services/{created.json()['id']}")).json()
        wrong_type = await http.post(
            "/api/admin/services", json={"provider_service_ids": [ps["101"], ps["104"]]}
        )
        unknown = await http.post("/api/admin/services", json={"provider_service_ids": [424242]})
        empty = await http.post("/api/admin/services", json={"provider_service_ids": []})
    assert created.status_code == 201
    service = created.json()
    assert service["name"] == "Followers (EU first)"
    assert service["overridden_fields"] == ["name"]
    assert service["routing_policy"] == "cheapest"
    # Cheapest in USD: 0.8 EUR × 1.1 = 0.88 beats 1.000 USD; + 10% markup.
    assert service["rate"] == "0.968000"
    assert service["enabled"] is True
    assert [r["external_id"] for r in detail["routes"]] == ["9001", "101"]
    assert [r["priority"] for r in detail["routes"]] == [0, 1]
    assert detail["routes"][0]["provider_name"] == "upstream-two-eur"
    assert wrong_type.status_code == 422
    assert unknown.status_code == 404
    assert empty.status_code == 400


async def test_edits_are_kept_when_the_provider_catalog_changes(
    client: ClientFactory, admin: Actor, catalog: Catalog, db: Database
) -> None:
    async with client(admin) as http:
        edited = await http.patch(
            f"/api/admin/services/{catalog.likes}",
            json={"name": "Likes ⚡", "max_quantity": 5000, "pinned_rate": "0.9", "description": None},
        )
        bad = await http.patch(f"/api/admin/services/{catalog.likes}", json={"min_quantity": 9000})
    assert edited.status_code == 200
    assert edited.json()["overridden_fields"] == ["description", "max_quantity", "name"]
    assert edited.json()["rate"] == "0.900000"
    assert bad.status_code == 422
    changed = [
        info("102", "Likes Renamed", "0.600", high=20_000) if i.external_id == "102" else i
        for i in PRIMARY_CATALOG
    ]
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, catalog.provider_id)
        assert connection is not None
        await sync_provider_catalog(
            session, connection, changed, PricingConfig.from_settings(rest_settings())
        )
    async with client(admin) as http:
        kept = (await http.get(f"/api/admin/services/{catalog.likes}")).json()["service"]
        reset = await http.patch(
            f"/api/admin/services/{catalog.likes}",
            json={"reset": ["name", "max_quantity"], "pinned_rate": None},
        )
        changes = (await http.get("/api/admin/catalog-changes", params={"service_id": catalog.likes})).json()
        synced = (
            await http.get(
                "/api/admin/catalog-changes", params={"provider_id": catalog.provider_id, "kind": "name"}
            )
        ).json()
    assert kept["name"] == "Likes ⚡"
    assert kept["max_quantity"] == 5000
    assert reset.json()["name"] == "Likes Renamed"
    assert reset.json()["max_quantity"] == 20_000
    assert reset.json()["overridden_fields"] == ["description"]
    assert reset.json()["rate"] == "0.780000"  # unpinned: 0.600 + 30%
    kinds = [c["kind"] for c in changes["items"]]
    assert {"edit_name", "edit_pinned_rate", "reset_name", "sell_rate"} <= set(kinds)
    assert [c["new_value"] for c in synced["items"]] == ["Likes Renamed"]


async def test_enable_and_disable(
    client: ClientFactory, admin: Actor, catalog: Catalog, db: Database
) -> None:
    async with client(admin) as http:
        off = await http.post(f"/api/admin/services/{catalog.package}/disable")
        on = await http.post(f"/api/admin/services/{catalog.package}/enable")
        route_id = (await http.get(f"/api/admin/services/{catalog.package}/routes")).json()["items"][0]["id"]
        await http.patch(f"/api/admin/services/{catalog.package}/routes/{route_id}", json={"enabled": False})
        refused = await http.post(f"/api/admin/services/{catalog.package}/enable")
        after = (await http.get(f"/api/admin/services/{catalog.package}")).json()["service"]
    assert off.json()["enabled"] is False
    assert off.json()["disabled_reason"] == "disabled by an admin"
    assert on.json()["enabled"] is True
    assert on.json()["disabled_reason"] is None
    assert refused.status_code == 409
    assert "no live route" in refused.json()["error"]["message"]
    assert after["enabled"] is False
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_routes_add_reorder_change_and_remove(
    client: ClientFactory, admin: Actor, catalog: Catalog, db: Database
) -> None:
    ps = catalog.provider_services
    base = f"/api/admin/services/{catalog.likes}/routes"
    async with client(admin) as http:
        added = await http.post(base, json={"provider_service_id": ps["105"]})
        duplicate = await http.post(base, json={"provider_service_id": ps["105"]})
        wrong_type = await http.post(base, json={"provider_service_id": ps["103"]})
        routes = (await http.get(base)).json()["items"]
        ids = [r["id"] for r in routes]
        reordered = await http.put(f"{base}/order", json={"route_ids": list(reversed(ids))})
        incomplete = await http.put(f"{base}/order", json={"route_ids": ids[:1]})
        service = (await http.get(f"/api/admin/services/{catalog.likes}")).json()["service"]
        changed = await http.patch(f"{base}/{ids[0]}", json={"priority": 7})
        foreign = await http.patch(
            f"/api/admin/services/{catalog.comments}/routes/{ids[0]}", json={"priority": 1}
        )
        removed = await http.delete(f"{base}/{ids[1]}")
        gone = await http.delete(f"{base}/{ids[1]}")
        left = (await http.get(base)).json()["items"]
    assert added.status_code == 201
    assert added.json()["priority"] == 1
    assert added.json()["live"] is True
    assert duplicate.status_code == 409
    assert wrong_type.status_code == 422
    assert [r["external_id"] for r in reordered.json()["items"]] == ["105", "102"]
    assert incomplete.status_code == 422
    assert service["rate"] == "0.130000"  # the primary route is now Views Cheap at 0.100
    assert changed.json()["priority"] == 7
    assert foreign.status_code == 404
    assert removed.status_code == 204
    assert gone.status_code == 404
    assert [r["id"] for r in left] == [ids[0]]
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_the_admin_service_list_filters(client: ClientFactory, admin: Actor, catalog: Catalog) -> None:
    async with client(admin) as http:
        await http.post(f"/api/admin/services/{catalog.comments}/disable")
        off = (await http.get("/api/admin/services", params={"enabled": False})).json()
        packages = (await http.get("/api/admin/services", params={"category": "Packages"})).json()
        found = (await http.get("/api/admin/services", params={"search": "FOLL"})).json()
        eur = (
            await http.get("/api/admin/services", params={"provider_id": catalog.backup_provider_id})
        ).json()
        missing = await http.get("/api/admin/services/31337")
    assert [s["id"] for s in off["items"]] == [catalog.comments]
    assert [s["id"] for s in packages["items"]] == [catalog.package]
    assert [s["id"] for s in found["items"]] == [catalog.followers]
    assert [s["id"] for s in eur["items"]] == [catalog.followers]
    assert missing.status_code == 404
