"""Jobs the API hands to the workers, and the one-open-request rule for refills and cancels."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, update

from core.db.database import Database
from core.jobs import Job, JobName
from core.orders.domain import CancelState, OrderState, RefillState
from core.orders.models import CancelRequest, Refill
from tests.api.builders import make_service, set_order_state
from tests.api.conftest import ClientFactory

LINK = "https://instagram.com/p/abc"


class RecordingSender:
    """A job sender that keeps what it was given (a fake broker)."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def send(self, job: Job) -> None:
        self.jobs.append(job)


async def test_jobs_are_sent_only_for_what_was_committed(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    sender = RecordingSender()
    db.job_sender = sender
    service = await make_service(db, refill=True, cancel=True)
    async with v2_client(key) as client:
        order = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await client.call("add", service=service, link=LINK, quantity=1)  # refused: nothing to send
        await set_order_state(db, order, OrderState.COMPLETED)
        refill = int((await client.call("refill", order=order))["refill"])
        await client.call("refill", order=order)  # refused: already requested
        second = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await client.call("cancel", orders=f"{second},{order}")  # one accepted, one refused
    async with db.transaction() as session:
        cancel_id = await session.scalar(select(CancelRequest.id))
    assert sender.jobs == [
        Job(JobName.DISPATCH_ORDER, (order,)),
        Job(JobName.FORWARD_REFILL, (refill,)),
        Job(JobName.DISPATCH_ORDER, (second,)),
        Job(JobName.FORWARD_CANCEL, (cancel_id,)),
    ]


async def test_a_new_request_is_allowed_once_the_previous_one_is_closed(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db, refill=True, cancel=True)
    async with v2_client(key) as client:
        done = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        running = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await set_order_state(db, done, OrderState.COMPLETED)
        await set_order_state(db, running, OrderState.IN_PROGRESS)
        first_refill = int((await client.call("refill", order=done))["refill"])
        await client.call("cancel", order=running)
        async with db.transaction() as session:
            await session.execute(update(Refill).values(state=RefillState.COMPLETED))
            await session.execute(update(CancelRequest).values(state=CancelState.REJECTED))
        assert await client.call("refill_status", refill=first_refill) == {"status": "Completed"}
        second_refill = int((await client.call("refill", order=done))["refill"])
        assert second_refill != first_refill
        assert await client.call("cancel", order=running) == {"canceled": True}


async def test_a_request_the_provider_left_unanswered_does_not_block_a_new_one(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db, refill=True, cancel=True)
    async with v2_client(key) as client:
        done = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        running = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await set_order_state(db, done, OrderState.COMPLETED)
        await set_order_state(db, running, OrderState.IN_PROGRESS)
        first_refill = int((await client.call("refill", order=done))["refill"])
        await client.call("cancel", order=running)
        async with db.transaction() as session:
            await session.execute(update(Refill).values(state=RefillState.UNKNOWN))
            await session.execute(update(CancelRequest).values(state=CancelState.UNKNOWN))
        second_refill = int((await client.call("refill", order=done))["refill"])
        assert second_refill != first_refill
        assert await client.call("cancel", order=running) == {"canceled": True}
        # while the new requests are open, a third is refused again
        assert await client.call("cancel", order=running) == {
            "error": "A cancel for this order is already requested"
        }


async def test_refill_needs_an_upstream_order(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db, refill=True)
    plain = await make_service(db, name="No refill", refill=False)
    async with v2_client(key) as client:
        never_sent = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        no_refill = (await client.call("add", service=plain, link=LINK, quantity=100))["order"]
        await set_order_state(db, never_sent, OrderState.CANCELED, provider_order_id=None)
        await set_order_state(db, no_refill, OrderState.COMPLETED)
        assert await client.call("refill", orders=f"{never_sent},{no_refill}") == [
            {
                "order": never_sent,
                "refill": {"error": "Refill is available only for completed or partial orders"},
            },
            {"order": no_refill, "refill": {"error": "Refill is disabled for this service"}},
        ]


async def test_concurrent_refills_of_one_order_create_one_request(
    db: Database, v2_client: ClientFactory, customer: tuple[int, str]
) -> None:
    _, key = customer
    service = await make_service(db, refill=True)
    async with v2_client(key) as client:
        order = (await client.call("add", service=service, link=LINK, quantity=100))["order"]
        await set_order_state(db, order, OrderState.COMPLETED)
        replies = await asyncio.gather(*(client.call("refill", order=order) for _ in range(10)))
    assert sum("refill" in reply for reply in replies) == 1, replies
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Refill)) == 1
