"""Every /api/v2 action in both dialects, with the exact reply shapes clients depend on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from core.db.database import Database
from core.ledger.models import EntryKind, LedgerEntry
from core.orders.domain import OrderState
from core.orders.models import Order
from core.users.models import User
from tests.api.builders import balance_of, make_service, set_order_state
from tests.api.conftest import ClientFactory
from tests.factories import make_user

DIALECTS = ["seed", "perfectpanel"]
LINK = "https://instagram.com/p/abc"


def no_error_key(value: object) -> None:
    """A success object never carries `error`, not even null (one client treats its presence as failure)."""
    assert isinstance(value, dict | list)
    if isinstance(value, dict):
        assert "error" not in value


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_services_list_enabled_services_with_this_customers_price(
    db: Database, v2_client: ClientFactory, dialect: str
) -> None:
    followers = await make_service(
        db, rate="0.9", refill=True, cancel=True, dripfeed=True, description="Start 0-1 h, 5k/day"
    )
    comments = await make_service(
        db,
        name="Comments",
        type="custom_comments",
        category="Second",
        rate="8",
        min_quantity=10,
        max_quantity=1500,
    )
    await make_service(db, name="Hidden", enabled=False)
    # Listed nowhere a client could order it from: `add` refuses Subscriptions (not sold yet).
    await make_service(db, name="Auto likes", type="Subscriptions", rate="2")
    user, key = await make_user(db, "vip@example.com", balance="5")
    async with db.transaction() as session:
        await session.execute(update(User).where(User.id == user.id).values(discount_percent=Decimal("10")))
    async with v2_client(key, dialect) as client:
        services = await client.call("services")
    assert isinstance(services, list)

    def as_limit(number: int) -> int | str:  # seed: JSON numbers; perfectpanel: strings
        return number if dialect == "seed" else str(number)

    assert services == [
        {
            "service": followers,
            "name": "Instagram Followers",
            "type": "Default",
            "category": "Instagram",
            "rate": "0.81",  # 0.90 less the customer's 10 %
            "min": as_limit(10),
            "max": as_limit(10_000),
            "refill": True,
            "cancel": True,
            "dripfeed": True,
            "desc": "Start 0-1 h, 5k/day",
        },
        {
            "service": comments,
            "name": "Comments",
            "type": "Custom Comments",  # the PP spelling, whatever the catalog stored
            "category": "Second",
            "rate": "7.20",
            "min": as_limit(10),
            "max": as_limit(1500),
            "refill": False,
            "cancel": False,
            "dripfeed": False,
        },
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_add_charges_the_balance_and_status_reports_the_order(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], dialect: str
) -> None:
    user_id, key = customer
    service = await make_service(db, rate="1.20")
    async with v2_client(key, dialect) as client:
        placed = await client.call("add", service=service, link=LINK, quantity=150)
        assert placed == {"order": placed["order"]}
        assert isinstance(placed["order"], int)
        status = await client.call("status", order=placed["order"])
        balance = await client.call("balance")
    assert status == {
        "charge": "0.18000",
        "start_count": "0",
        "status": "Pending",
        "remains": "150",
        "currency": "USD",
    }
    assert balance == {"balance": "99.82000", "currency": "USD"}
    assert await balance_of(db, user_id) == Decimal("99.82000")
    async with db.transaction() as session:
        order = (await session.scalars(select(Order))).one()
        entry = (await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.CHARGE))).one()
    assert (order.state, order.link, order.quantity, order.charge) == (
        OrderState.QUEUED,
        LINK,
        150,
        Decimal("0.18"),
    )
    assert (entry.amount, entry.order_id, entry.idempotency_key) == (
        Decimal("-0.18"),
        order.id,
        f"order:{order.id}:charge",
    )


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_multi_status_in_each_dialect(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], dialect: str
) -> None:
    _, key = customer
    service = await make_service(db, rate="1.20")
    async with v2_client(key, dialect) as client:
        first = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        second = (await client.call("add", service=service, link=LINK, quantity=1000))["order"]
        await set_order_state(
            db, second, OrderState.PARTIAL, start_count=3572, remains=157, refunded=Decimal("0.18840")
        )
        reply = await client.call("status", orders=f" {first}, {second},999999, Array,,")
    first_view = {
        "charge": "0.12000",
        "start_count": "0",
        "status": "Pending",
        "remains": "100",
        "currency": "USD",
    }
    # A Partial order shows what it cost in the end: 1.20000 charged, 0.18840 refunded.
    second_view = {
        "charge": "1.01160",
        "start_count": "3572",
        "status": "Partial",
        "remains": "157",
        "currency": "USD",
    }
    unknown = {"error": "Incorrect order ID"}
    if dialect == "seed":
        assert reply == [
            {"order": first, **first_view},
            {"order": second, **second_view},
            {"order": 999999, **unknown},
            {"order": "Array", **unknown},
        ]
    else:
        assert reply == {
            str(first): first_view,
            str(second): second_view,
            "999999": unknown,
            "Array": unknown,
        }


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_refill_and_refill_status_single_and_batch(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], dialect: str
) -> None:
    _, key = customer
    service = await make_service(db, refill=True)
    async with v2_client(key, dialect) as client:
        done = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        other = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        running = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await set_order_state(db, done, OrderState.COMPLETED)
        await set_order_state(db, other, OrderState.PARTIAL, remains=10)
        await set_order_state(db, running, OrderState.IN_PROGRESS)

        single = await client.call("refill", order=done)
        no_error_key(single)
        refill_id = int(single["refill"])
        assert single == ({"refill": refill_id} if dialect == "seed" else {"refill": str(refill_id)})

        batch = await client.call("refill", orders=f"{other},{running},{done},Array")
        other_refill = batch[0]["refill"]
        assert isinstance(other_refill, int)
        assert batch == [
            {"order": other, "refill": other_refill},
            {
                "order": running,
                "refill": {"error": "Refill is available only for completed or partial orders"},
            },
            {"order": done, "refill": {"error": "A refill for this order is already requested"}},
            {"order": "Array", "refill": {"error": "Incorrect order ID"}},
        ]

        assert await client.call("refill_status", refill=refill_id) == {"status": "Pending"}
        assert await client.call("refill_status", refills=f"{refill_id}, {other_refill},424242,,Array") == [
            {"refill": refill_id, "status": "Pending"},
            {"refill": other_refill, "status": "Pending"},
            {"refill": 424242, "status": {"error": "Refill not found"}},
            {"refill": "Array", "status": {"error": "Refill not found"}},
        ]
        assert await client.call("refill_status", refill=424242) == {"error": "Refill not found"}
        assert await client.call("refill", order=running) == {
            "error": "Refill is available only for completed or partial orders"
        }


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_cancel_batch_and_single(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str], dialect: str
) -> None:
    _, key = customer
    cancelable = await make_service(db, cancel=True)
    fixed = await make_service(db, name="No cancel", cancel=False)
    async with v2_client(key, dialect) as client:
        first = (await client.call("add", service=cancelable, link=LINK, quantity=100))["order"]
        second = (await client.call("add", service=cancelable, link=LINK, quantity=100))["order"]
        finished = (await client.call("add", service=cancelable, link=LINK, quantity=100))["order"]
        stuck = (await client.call("add", service=fixed, link=LINK, quantity=100))["order"]
        await set_order_state(db, finished, OrderState.COMPLETED)
        before = await client.call("balance")
        batch = await client.call("cancel", orders=f"{first},{finished},{stuck},9,abc")
        single = await client.call("cancel", order=second)
        again = await client.call("cancel", order=second)
        after = await client.call("balance")
    refused = {
        finished: "The order is finished and can no longer be canceled",
        stuck: "Cancel is disabled for this service",
        9: "Incorrect order ID",
        "abc": "Incorrect order ID",
    }
    if dialect == "seed":
        assert batch == [
            {"order": first, "canceled": True},
            *({"order": key, "canceled": False, "error": message} for key, message in refused.items()),
        ]
        assert single == {"canceled": True}
    else:
        assert batch == [
            {"order": first, "cancel": 1},
            *({"order": key, "cancel": {"error": message}} for key, message in refused.items()),
        ]
        assert single == {"cancel": 1}
    assert again == {"error": "A cancel for this order is already requested"}
    assert before == after  # the API never refunds; the workers do once the provider confirms


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_balance_shows_five_places_and_the_panel_currency(
    db: Database, v2_client: ClientFactory, dialect: str
) -> None:
    _, key = await make_user(db, "rich@example.com", balance="100.84292")
    async with v2_client(key, dialect) as client:
        assert await client.call("balance") == {"balance": "100.84292", "currency": "USD"}


async def test_a_customer_sees_only_their_own_orders(db: Database, v2_client: ClientFactory) -> None:
    service = await make_service(db, refill=True, cancel=True)
    _, alice = await make_user(db, "alice@example.com", balance="10")
    _, bob = await make_user(db, "bob@example.com", balance="10")
    async with v2_client(alice) as client:
        order = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
    await set_order_state(db, order, OrderState.COMPLETED)
    async with v2_client(alice) as client:
        refill = (await client.call("refill", order=order))["refill"]
    async with v2_client(bob, "perfectpanel") as client:
        assert await client.call("status", order=order) == {"error": "Incorrect order ID"}
        assert await client.call("status", orders=f"{order},123456") == {
            str(order): {"error": "Incorrect order ID"},
            "123456": {"error": "Incorrect order ID"},
        }
        assert await client.call("refill", order=order) == {"error": "Incorrect order ID"}
        assert await client.call("cancel", orders=str(order)) == [
            {"order": order, "cancel": {"error": "Incorrect order ID"}}
        ]
        assert await client.call("refill_status", refill=refill) == {"error": "Refill not found"}
