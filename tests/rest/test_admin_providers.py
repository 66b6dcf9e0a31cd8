"""Admin: provider connections, testing them, their balance, catalog sync and import, provider catalogs."""

from __future__ import annotations

from core.db.database import Database
from core.invariants import check_invariants
from tests.rest.builders import PROVIDER_SECRET, Catalog
from tests.rest.conftest import Actor, ClientFactory

SIMULATED = {"name": "sim-b", "adapter": "simulated", "api_key": "sim-secret-b", "settings": {"seed": 1}}


async def test_create_list_get_and_edit_a_provider(client: ClientFactory, admin: Actor) -> None:
    async with client(admin) as http:
        created = await http.post("/api/admin/providers", json=SIMULATED)
        duplicate = await http.post("/api/admin/providers", json=SIMULATED)
        unknown = await http.post("/api/admin/providers", json={**SIMULATED, "name": "x", "adapter": "nope"})
        bad_settings = await http.post(
            "/api/admin/providers", json={**SIMULATED, "name": "y", "settings": {"speed": "fast"}}
        )
        provider_id = created.json()["id"]
        edited = await http.patch(
            f"/api/admin/providers/{provider_id}", json={"currency": "eur", "api_key": "rotated-secret"}
        )
        listed = (await http.get("/api/admin/providers")).json()
        one = (await http.get(f"/api/admin/providers/{provider_id}")).json()
        missing = await http.get("/api/admin/providers/777")
    assert created.status_code == 201
    assert created.json()["base_url"] == "simulated://local"
    assert created.json()["currency"] == "USD"
    assert duplicate.status_code == 409
    assert unknown.status_code == 422
    assert bad_settings.status_code == 422
    assert edited.status_code == 200
    assert edited.json()["currency"] == "EUR"
    assert [p["name"] for p in listed["items"]] == ["sim-b"]
    assert one == edited.json()
    assert "api_key" not in one
    assert "rotated-secret" not in str(listed) + str(one)
    assert missing.status_code == 404


async def test_disabling_a_provider_takes_its_services_off_sale(
    client: ClientFactory, admin: Actor, catalog: Catalog, db: Database
) -> None:
    async with client(admin) as http:
        off = await http.patch(f"/api/admin/providers/{catalog.provider_id}", json={"enabled": False})
        services = (await http.get("/api/admin/services", params={"enabled": True})).json()
        likes = (await http.get(f"/api/admin/services/{catalog.likes}")).json()
    assert off.json()["enabled"] is False
    # Followers still has its EUR backup route; the other three had only upstream-one.
    assert [s["id"] for s in services["items"]] == [catalog.followers]
    assert likes["service"]["disabled_reason"] == "no live route"
    async with db.transaction() as session:
        assert await check_invariants(session) == []
    async with client(admin) as http:
        await http.patch(f"/api/admin/providers/{catalog.provider_id}", json={"enabled": True})
        back = (await http.get("/api/admin/services", params={"enabled": True})).json()
    assert back["total"] == 4


async def test_connection_test_balance_and_sync(client: ClientFactory, admin: Actor) -> None:
    async with client(admin) as http:
        provider_id = (await http.post("/api/admin/providers", json=SIMULATED)).json()["id"]
        tested = (await http.post(f"/api/admin/providers/{provider_id}/test")).json()
        balance = (await http.post(f"/api/admin/providers/{provider_id}/balance")).json()
        synced = (await http.post(f"/api/admin/providers/{provider_id}/sync")).json()
        again = (await http.post(f"/api/admin/providers/{provider_id}/sync")).json()
        stored = (await http.get(f"/api/admin/providers/{provider_id}")).json()
    assert tested["ok"] is True
    assert tested["services"] == 25
    assert tested["balance"] == "1000.00000"
    assert tested["error"] is None
    assert balance["balance"] == "1000.00000"
    assert balance["currency"] == "USD"
    assert balance["error"] is None
    assert stored["balance"] == "1000.00000"
    assert synced["ok"] is True
    assert synced["new"] == 25
    assert again["unchanged"] == 25
    assert again["new"] == 0


async def test_an_unreachable_provider_fails_its_test_without_leaking_the_key(
    client: ClientFactory, admin: Actor
) -> None:
    provider = {
        "name": "down",
        "adapter": "smmv2",
        "api_key": "very-secret-upstream-key",
        "base_url": "http://127.0.0.1:9/api/v2",
    }
    async with client(admin) as http:
        provider_id = (await http.post("/api/admin/providers", json=provider)).json()["id"]
        tested = await http.post(f"/api/admin/providers/{provider_id}/test")
        balance = await http.post(f"/api/admin/providers/{provider_id}/balance")
        synced = await http.post(f"/api/admin/providers/{provider_id}/sync")
    assert tested.status_code == 200
    assert tested.json()["ok"] is False
    assert tested.json()["error"]
    assert balance.json()["error"]
    assert balance.json()["balance"] is None
    assert synced.json()["ok"] is False
    for response in (tested, balance, synced):
        assert "very-secret-upstream-key" not in response.text


async def test_import_and_browse_a_provider_catalog(client: ClientFactory, admin: Actor) -> None:
    async with client(admin) as http:
        provider_id = (await http.post("/api/admin/providers", json=SIMULATED)).json()["id"]
        await http.post(f"/api/admin/providers/{provider_id}/sync")
        imported = await http.post(
            f"/api/admin/providers/{provider_id}/import",
            json={"external_ids": ["1", "3"], "markup_percent": "50"},
        )
        twice = await http.post(f"/api/admin/providers/{provider_id}/import", json={"external_ids": ["1"]})
        unknown = await http.post(
            f"/api/admin/providers/{provider_id}/import", json={"external_ids": ["999"]}
        )
        page = (
            await http.get(f"/api/admin/providers/{provider_id}/services", params={"page_size": 10})
        ).json()
        likes = (
            await http.get(
                f"/api/admin/providers/{provider_id}/services", params={"category": "Instagram Likes"}
            )
        ).json()
        found = (
            await http.get(f"/api/admin/providers/{provider_id}/services", params={"search": "TIKTOK"})
        ).json()
        one = await http.get(f"/api/admin/provider-services/{page['items'][0]['id']}")
        missing = await http.get("/api/admin/providers/999/services")
        adapters = (await http.get("/api/admin/adapters")).json()
    assert imported.status_code == 201
    services = imported.json()["services"]
    assert [s["name"] for s in services] == [
        "Instagram Followers [Real, 30 days refill]",
        "Instagram Likes [Instant]",
    ]
    assert services[0]["rate"] == "1.350000"  # 0.90 + 50%
    assert twice.json()["services"] == []
    assert unknown.status_code == 404
    assert page["total"] == 25
    assert len(page["items"]) == 10
    assert likes["total"] == 2
    assert found["total"] == 2
    assert one.json()["external_id"] == page["items"][0]["external_id"]
    assert missing.status_code == 404
    assert {"simulated", "smmv2"} <= {a["key"] for a in adapters["items"]}


async def test_provider_secrets_never_appear(client: ClientFactory, admin: Actor, catalog: Catalog) -> None:
    async with client(admin) as http:
        listed = await http.get("/api/admin/providers")
        one = await http.get(f"/api/admin/providers/{catalog.provider_id}")
    assert PROVIDER_SECRET not in listed.text + one.text
