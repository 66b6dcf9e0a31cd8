"""Customer responses never show what the panel pays or where it buys: no provider, cost, provider order
id or provider name, on any customer route, whatever state the orders are in."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from sqlalchemy import update

from core.db.database import Database
from core.orders.domain import OrderState, RefillState
from core.orders.models import Refill
from tests.rest.access import rest_endpoints
from tests.rest.builders import BACKUP_NAME, PROVIDER_NAME, PROVIDER_SECRET, Catalog, advance, place
from tests.rest.conftest import Actor, ClientFactory

FORBIDDEN_KEYS = {
    "provider",
    "provider_id",
    "provider_name",
    "provider_order_id",
    "provider_refill_id",
    "provider_service_id",
    "provider_charge",
    "route_id",
    "cost",
    "cost_currency",
    "exchange_rate",
    "external_id",
}
# Values only the provider side knows: ids at the provider, the cost, the provider's names and key.
FORBIDDEN_VALUES = [
    "UPSTREAM-ORDER-7731",
    "UPSTREAM-REFILL-5150",
    "0.77777",
    PROVIDER_NAME,
    BACKUP_NAME,
    PROVIDER_SECRET,
]


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for item in value for k in _keys(item)}
    return set()


async def test_no_provider_detail_in_any_customer_response(
    app: Litestar, client: ClientFactory, alice: Actor, catalog: Catalog, db: Database
) -> None:
    done = await place(db, alice.id, catalog.followers)
    await advance(
        db,
        done,
        OrderState.PARTIAL,
        provider_id=catalog.backup_provider_id,
        provider_order_id="UPSTREAM-ORDER-7731",
        cost="0.77777",
        cost_currency="EUR",
        exchange_rate="1.1",
        provider_charge="0.77777",
        remains=10,
    )
    running = await place(db, alice.id, catalog.followers)
    await advance(db, running, OrderState.IN_PROGRESS, provider_id=catalog.provider_id, cost="0.77777")
    ids = {"order_id": done, "service_id": catalog.followers}
    bodies: dict[str, Any] = {}
    async with client(alice) as http:
        refill = await http.post(f"/api/orders/{done}/refill")
        async with db.transaction() as session:
            await session.execute(
                update(Refill)
                .where(Refill.id == refill.json()["id"])
                .values(provider_refill_id="UPSTREAM-REFILL-5150", state=RefillState.PENDING)
            )
        bodies["POST refill"] = refill
        bodies["POST cancel"] = await http.post(f"/api/orders/{running}/cancel")
        bodies["POST order"] = await http.post(
            "/api/orders", json={"service_id": catalog.likes, "link": "https://x.test/p", "quantity": 100}
        )
        ids["refill_id"] = refill.json()["id"]
        for endpoint in rest_endpoints(app):
            if endpoint.is_admin or endpoint.method != "GET":
                continue
            bodies[str(endpoint)] = await http.get(endpoint.url(ids), params={"page_size": 100})
    assert all(response.status_code in (200, 201, 202) for response in bodies.values()), {
        name: response.status_code for name, response in bodies.items()
    }
    assert len(bodies) >= 12
    for name, response in bodies.items():
        leaked_keys = _keys(response.json()) & FORBIDDEN_KEYS
        assert leaked_keys == set(), name
        leaked_values = [value for value in FORBIDDEN_VALUES if value in response.text]
        assert leaked_values == [], name
