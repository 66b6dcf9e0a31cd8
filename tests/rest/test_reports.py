"""Admin: the sales report, from what each order recorded (charge, refunds, cost, exchange rate)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from core.db.database import Database
from core.orders.domain import OrderState
from core.orders.models import Order
from tests.rest.builders import Catalog, advance, place
from tests.rest.conftest import Actor, ClientFactory


async def _seed(db: Database, alice: Actor, bob: Actor, catalog: Catalog) -> list[int]:
    """Four orders: completed (USD), partial (EUR, provider refunded its share), canceled, never sent."""
    done = await place(db, alice.id, catalog.followers, 1000)  # charge 1.30
    await advance(db, done, OrderState.COMPLETED, provider_id=catalog.provider_id, cost="1.00000")
    partial = await place(db, bob.id, catalog.followers, 1000)  # charge 1.30, half refunded
    await advance(
        db,
        partial,
        OrderState.PARTIAL,
        provider_id=catalog.backup_provider_id,
        cost="0.80000",
        cost_currency="EUR",
        exchange_rate="1.1",
        provider_charge="0.40000",
        remains=500,
    )
    canceled = await place(db, bob.id, catalog.likes, 1000)  # charge 0.65, refunded in full
    await advance(
        db,
        canceled,
        OrderState.CANCELED,
        provider_id=catalog.provider_id,
        cost="0.50000",
        provider_charge="0",
    )
    queued = await place(db, alice.id, catalog.likes, 100)  # charge 0.065, not sent yet
    yesterday = datetime.now(UTC) - timedelta(days=1)
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == done).values(created_at=yesterday))
    return [done, partial, canceled, queued]


async def test_sales_by_provider_service_customer_and_day(
    client: ClientFactory, admin: Actor, alice: Actor, bob: Actor, catalog: Catalog, db: Database
) -> None:
    await _seed(db, alice, bob, catalog)
    async with client(admin) as http:
        by_provider = (await http.get("/api/admin/reports/sales", params={"group_by": "provider"})).json()
        by_service = (await http.get("/api/admin/reports/sales", params={"group_by": "service"})).json()
        by_customer = (await http.get("/api/admin/reports/sales", params={"group_by": "customer"})).json()
        by_day = (await http.get("/api/admin/reports/sales")).json()
    rows = {row["label"]: row for row in by_provider["rows"]["items"]}
    assert rows["upstream-one"] == {
        "key": str(catalog.provider_id),
        "label": "upstream-one",
        "orders": 2,
        "revenue": "1.30000",  # 1.30 kept + 0.65 − 0.65 refunded
        "cost": "1.00000",  # 1.00 + 0 (the provider refunded the canceled one)
        "profit": "0.30000",
    }
    assert rows["upstream-two-eur"]["revenue"] == "0.65000"
    assert rows["upstream-two-eur"]["cost"] == "0.44000"  # 0.40 EUR at the frozen 1.1
    assert rows["none"]["orders"] == 1
    assert rows["none"]["cost"] == "0.00000"
    assert by_provider["total"]["orders"] == 4
    assert by_provider["total"]["revenue"] == "2.01500"
    assert by_provider["total"]["cost"] == "1.44000"
    assert by_provider["total"]["profit"] == "0.57500"
    assert by_provider["currency"] == "USD"
    services = {row["key"]: row["orders"] for row in by_service["rows"]["items"]}
    assert services == {str(catalog.followers): 2, str(catalog.likes): 2}
    customers = {row["label"]: row["revenue"] for row in by_customer["rows"]["items"]}
    assert customers == {"alice@example.com": "1.36500", "bob@example.com": "0.65000"}
    assert [row["orders"] for row in by_day["rows"]["items"]] == [1, 3]
    assert by_day["total"] == {**by_provider["total"]}


async def test_sales_in_a_period_and_paging(
    client: ClientFactory, admin: Actor, alice: Actor, bob: Actor, catalog: Catalog, db: Database
) -> None:
    await _seed(db, alice, bob, catalog)
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    async with client(admin) as http:
        today_only = (
            await http.get(
                "/api/admin/reports/sales", params={"since": today.isoformat(), "until": tomorrow.isoformat()}
            )
        ).json()
        paged = (
            await http.get(
                "/api/admin/reports/sales", params={"group_by": "provider", "page_size": 1, "page": 2}
            )
        ).json()
        backwards = await http.get(
            "/api/admin/reports/sales", params={"since": tomorrow.isoformat(), "until": today.isoformat()}
        )
        bad_group = await http.get("/api/admin/reports/sales", params={"group_by": "planet"})
    assert today_only["total"]["orders"] == 3
    assert today_only["since"] == today.isoformat()
    assert paged["rows"]["total"] == 3
    assert len(paged["rows"]["items"]) == 1
    assert paged["total"]["orders"] == 4
    assert backwards.status_code == 422
    assert bad_group.status_code == 400
