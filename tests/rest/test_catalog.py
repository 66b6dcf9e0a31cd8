"""Customer catalog: services at the caller's price, one service with its order form, categories, types."""

from __future__ import annotations

from core.db.database import Database
from core.users import admin as users_admin
from tests.rest.builders import Catalog
from tests.rest.conftest import Actor, ClientFactory


async def test_services_are_listed_at_the_callers_price(
    client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    async with client(alice) as http:
        body = (await http.get("/api/catalog/services")).json()
    assert body["total"] == 4
    assert body["page"] == 1
    assert body["page_size"] == 50
    followers = next(item for item in body["items"] if item["id"] == catalog.followers)
    assert followers["rate"] == "1.300000"
    assert followers["currency"] == "USD"
    assert followers["refill"] is True
    assert followers["type"] == "Default"

    async with db.transaction() as session:
        await users_admin.set_discount(session, alice.id, "10")
    async with client(alice) as http:
        body = (await http.get("/api/catalog/services", params={"search": "follow"})).json()
    assert [item["rate"] for item in body["items"]] == ["1.170000"]


async def test_services_filter_by_category_and_page(
    client: ClientFactory, alice: Actor, catalog: Catalog
) -> None:
    async with client(alice) as http:
        packages = (await http.get("/api/catalog/services", params={"category": "Packages"})).json()
        second = (await http.get("/api/catalog/services", params={"page": 2, "page_size": 3})).json()
        too_big = await http.get("/api/catalog/services", params={"page_size": 101})
    assert [item["id"] for item in packages["items"]] == [catalog.package]
    assert second["total"] == 4
    assert len(second["items"]) == 1
    assert second["page"] == 2
    assert too_big.status_code == 400
    assert too_big.json()["error"]["code"] == "bad_request"


async def test_one_service_comes_with_its_order_form(
    client: ClientFactory, alice: Actor, catalog: Catalog
) -> None:
    async with client(alice) as http:
        followers = (await http.get(f"/api/catalog/services/{catalog.followers}")).json()
        comments = (await http.get(f"/api/catalog/services/{catalog.comments}")).json()
        missing = await http.get("/api/catalog/services/999999")
    fields = {field["name"]: field for field in followers["form"]["fields"]}
    assert set(fields) == {"link", "quantity", "runs", "interval"}
    assert fields["link"]["required"]
    assert not fields["runs"]["required"]
    assert comments["form"]["quantity_from"] == "comments"
    assert [f["kind"] for f in comments["form"]["fields"]] == ["text", "list"]
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "unknown_service", "message": "Incorrect service ID"}}


async def test_disabled_services_are_not_on_sale(
    client: ClientFactory, alice: Actor, admin: Actor, catalog: Catalog
) -> None:
    async with client(admin) as http:
        assert (await http.post(f"/api/admin/services/{catalog.likes}/disable")).status_code == 200
    async with client(alice) as http:
        listed = (await http.get("/api/catalog/services")).json()
        one = await http.get(f"/api/catalog/services/{catalog.likes}")
    assert catalog.likes not in [item["id"] for item in listed["items"]]
    assert one.status_code == 404


async def test_categories_and_service_types(client: ClientFactory, alice: Actor, catalog: Catalog) -> None:
    async with client(alice) as http:
        categories = (await http.get("/api/catalog/categories")).json()
        types = (await http.get("/api/catalog/service-types", params={"page_size": 100})).json()
    assert categories["items"] == [{"name": "Instagram", "services": 3}, {"name": "Packages", "services": 1}]
    by_type = {form["type"]: form for form in types["items"]}
    assert types["total"] == len(by_type) == 17
    traffic = {f["name"]: f for f in by_type["Web Traffic"]["fields"]}
    assert [c["value"] for c in traffic["device"]["choices"]] == ["1", "2", "3", "4", "5"]
    assert by_type["Subscriptions"]["orderable"] is False
