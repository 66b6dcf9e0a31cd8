"""`add` over /api/v2: what is refused (with no change to any balance or order) and what is stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from core.db.database import Database
from core.orders.models import Order, OrderEvent
from tests.api.builders import balance_of, make_service, snapshot
from tests.api.conftest import ClientFactory
from tests.factories import make_user

LINK = "https://instagram.com/p/abc"


# The services the tests below order from, by name: make_service keyword arguments.
SERVICES: dict[str, dict[str, Any]] = {
    "default": {"rate": "1.20", "min_quantity": 10, "max_quantity": 10_000},
    "dripfeed": {"rate": "1.00", "min_quantity": 10, "max_quantity": 1000, "dripfeed": True},
    "disabled": {"enabled": False},
    "comments": {
        "type": "Custom Comments",
        "rate": "8",
        "min_quantity": 2,
        "max_quantity": 5,
        "name": "Comments",
    },
    "subscriptions": {"type": "Subscriptions", "name": "Auto likes"},
    "expensive": {"rate": "1000", "min_quantity": 100, "max_quantity": 1000, "name": "Gold"},
}


@pytest.fixture
async def services(db: Database) -> dict[str, int]:
    """Every service of SERVICES, by name."""
    return {name: await make_service(db, **options) for name, options in SERVICES.items()}


# (parameters beyond key/action=add, with {service-name} placeholders) → exact error
REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"link": LINK, "quantity": 100}, "Incorrect service ID"),
    ({"service": "abc", "link": LINK, "quantity": 100}, "Incorrect service ID"),
    ({"service": "1.5", "link": LINK, "quantity": 100}, "Incorrect service ID"),
    ({"service": 987654, "link": LINK, "quantity": 100}, "Incorrect service ID"),
    ({"service": "disabled", "link": LINK, "quantity": 100}, "Incorrect service ID"),
    ({"service": "default", "link": LINK}, "Incorrect request: quantity is required"),
    ({"service": "default", "link": LINK, "quantity": "abc"}, "Incorrect request: quantity must be a whole number"),
    ({"service": "default", "link": LINK, "quantity": "1.5"}, "Incorrect request: quantity must be a whole number"),
    ({"service": "default", "link": LINK, "quantity": 9}, "Quantity less than minimal 10"),
    ({"service": "default", "link": LINK, "quantity": 10001}, "Quantity more than maximum 10000"),
    ({"service": "default", "quantity": 100}, "Bad link"),
    ({"service": "default", "link": "x" * 2001, "quantity": 100}, "Bad link: longer than 2000 characters"),
    ({"service": "default", "link": LINK, "quantity": 100, "request_id": "r" * 201},
     "Incorrect request: request_id is longer than 200 characters"),
    ({"service": "default", "link": LINK, "quantity": 100, "runs": 2, "interval": 5},
     "Incorrect request: drip-feed (runs, interval) is not available for this service"),
    ({"service": "dripfeed", "link": LINK, "quantity": 100, "runs": 2},
     "Incorrect request: drip-feed needs both runs and interval"),
    ({"service": "dripfeed", "link": LINK, "quantity": 300, "runs": 4, "interval": 10},
     "Quantity more than maximum 1000"),
    ({"service": "comments", "link": LINK, "comments": "just one"}, "Quantity less than minimal 2"),
    ({"service": "comments", "link": LINK, "comments": "a\nb\nc\nd\ne\nf"}, "Quantity more than maximum 5"),
    ({"service": "comments", "link": LINK, "comments": "y" * 100_001},
     "Incorrect request: comments is longer than 100000 characters"),
    ({"service": "subscriptions", "username": "u", "min": 10, "max": 20, "delay": 0},
     "Subscriptions are not available through the API yet"),
    ({"service": "expensive", "link": LINK, "quantity": 101}, "Not enough funds on balance"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "message"), REFUSALS)
async def test_refused_orders_change_nothing(
    db: Database,
    v2_client: ClientFactory,
    customer: tuple[int, str],
    params: dict[str, Any],
    message: str,
) -> None:
    _, key = customer
    wanted = params.get("service")
    if isinstance(wanted, str) and wanted in SERVICES:  # only the service this case needs: faster setup
        params = {**params, "service": await make_service(db, **SERVICES[wanted])}
    before = await snapshot(db)
    async with v2_client(key) as client:
        assert await client.call("add", **params) == {"error": message}
    assert await snapshot(db) == before


async def test_a_balance_that_covers_the_order_exactly_is_enough(
    db: Database, v2_client: ClientFactory
) -> None:
    service = await make_service(db, rate="1000", min_quantity=100, max_quantity=1000)
    user, key = await make_user(db, "exact@example.com", balance="100")
    async with v2_client(key) as client:
        assert "order" in await client.call("add", service=service, link=LINK, quantity=100)
        assert await client.call("add", service=service, link=LINK, quantity=100) == {
            "error": "Not enough funds on balance"
        }
    assert await balance_of(db, user.id) == Decimal("0")


async def test_drip_feed_charges_quantity_times_runs(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], services: dict[str, int]
) -> None:
    user_id, key = customer
    async with v2_client(key) as client:
        placed = await client.call(
            "add", service=services["dripfeed"], link=LINK, quantity=100, runs=5, interval=30
        )
        status = await client.call("status", order=placed["order"])
    assert status["charge"] == "0.50000"  # 1.00 per 1000 × 100 × 5 runs
    assert status["remains"] == "500"
    assert await balance_of(db, user_id) == Decimal("99.5")
    async with db.transaction() as session:
        order = (await session.scalars(select(Order))).one()
    assert (order.quantity, order.runs, order.interval) == (100, 5, 30)


async def test_type_parameters_are_stored_for_dispatch(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], services: dict[str, int]
) -> None:
    _, key = customer
    mentions = await make_service(
        db, type="Mentions with Hashtags", rate="5", min_quantity=10, max_quantity=100
    )
    package = await make_service(db, type="Package", rate="1.5", min_quantity=1, max_quantity=1)
    async with v2_client(key) as client:
        await client.call(
            "add", service=services["comments"], link=LINK, comments="good pic\r\ngreat photo\n:)"
        )
        await client.call(
            "add", service=mentions, link=LINK, quantity=50, usernames="test, testing", hashtags="#goodphoto"
        )
        placed = await client.call("add", service=package, link=LINK)
        assert (await client.call("status", order=placed["order"]))["charge"] == "1.50000"
    async with db.transaction() as session:
        orders = list(await session.scalars(select(Order).order_by(Order.id)))
        events = list(await session.scalars(select(OrderEvent.kind)))
    assert [(o.quantity, o.charge, o.params) for o in orders] == [
        (3, Decimal("0.024"), {"comments": "good pic\ngreat photo\n:)"}),
        (50, Decimal("0.25"), {"usernames": "test\ntesting", "hashtags": "#goodphoto"}),
        (1, Decimal("1.5"), {}),
    ]
    assert events == ["placed", "placed", "placed"]


async def test_charges_are_rounded_half_up_to_five_places(db: Database, v2_client: ClientFactory) -> None:
    service = await make_service(db, rate="0.333333", min_quantity=1, max_quantity=1000)
    user, key = await make_user(db, "round@example.com", balance="1")
    async with v2_client(key) as client:
        await client.call("add", service=service, link=LINK, quantity=7)  # 0.002333331 → 0.00233
        await client.call("add", service=service, link=LINK, quantity=15)  # 0.004999995 → 0.00500
    assert await balance_of(db, user.id) == Decimal("1") - Decimal("0.00233") - Decimal("0.00500")
