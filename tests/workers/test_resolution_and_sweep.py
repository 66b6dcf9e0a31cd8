"""The sweep re-derives lost work; an admin resolves orders whose outcome is unknown."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.db.types import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.jobs import Job, JobName
from core.ledger.models import EntryKind
from core.orders import resolution
from core.orders.dispatch import DispatchOutcome, dispatch_order
from core.orders.domain import OrderState, RefillState
from core.orders.models import Order, Refill
from core.orders.sweep import sweep
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.factories import make_user
from tests.workers.builders import add_provider, balance_of, import_service, ledger_count, place, reload

D = Decimal


class RecordingSender:
    """A JobSender that keeps what it was given (the real one is Dramatiq; this checks what core sends)."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def send(self, job: Job) -> None:
        self.jobs.append(job)


async def _setup(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> tuple[int, int]:
    provider = await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    service = await import_service(db, settings, provider, "1")
    user, _ = await make_user(db, balance="10")
    return service.id, user.id


async def _age(db: Database, order_id: int, seconds: float, **values: object) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds), **values)
        )


async def test_sweep_resends_queued_orders_whose_message_was_lost(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    fresh = await place(db, user_id, service_id, settings)
    lost = await place(db, user_id, service_id, settings)
    await _age(db, lost.id, 60)
    sender = RecordingSender()
    db.job_sender = sender

    first = await sweep(db, settings)
    second = await sweep(db, settings)

    assert first.queued == 1
    assert second.queued == 0  # touched: not sent again until another grace period passes
    assert sender.jobs == [Job(JobName.DISPATCH_ORDER, (lost.id,))]
    assert (await reload(db, fresh.id)).state is OrderState.QUEUED


async def test_sweep_settles_dispatches_whose_worker_died(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    before_call = await place(db, user_id, service_id, settings)
    after_call = await place(db, user_id, service_id, settings)
    live = await place(db, user_id, service_id, settings)
    stall = settings.provider_timeout_seconds + settings.stall_margin_seconds + 1
    await _age(db, before_call.id, stall, state=OrderState.SUBMITTING)
    await _age(
        db,
        after_call.id,
        stall,
        state=OrderState.SUBMITTING,
        submit_started_at=utcnow() - timedelta(seconds=stall),
    )
    await _age(db, live.id, 0.5, state=OrderState.SUBMITTING, submit_started_at=utcnow())
    sender = RecordingSender()
    db.job_sender = sender

    report = await sweep(db, settings)

    assert (report.stalled_to_queued, report.stalled_to_unknown) == (1, 1)
    assert (await reload(db, before_call.id)).state is OrderState.QUEUED  # nothing was sent: safe to resend
    assert (await reload(db, after_call.id)).state is OrderState.UNKNOWN  # maybe sent: never resent
    assert (await reload(db, live.id)).state is OrderState.SUBMITTING  # a live worker is left alone
    assert Job(JobName.DISPATCH_ORDER, (before_call.id,)) in sender.jobs
    assert report.unknown_waiting == 1


async def test_sweep_resends_waiting_refills_and_reports_overdue_checks(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    order = await place(db, user_id, service_id, settings)
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED
    stored = await reload(db, order.id)
    async with db.transaction() as session:
        await session.execute(
            update(Order).where(Order.id == order.id).values(next_check_at=utcnow() - timedelta(hours=1))
        )
        stuck = Refill(
            order_id=order.id, state=RefillState.SUBMITTING, updated_at=utcnow() - timedelta(hours=1)
        )
        session.add(stuck)
        await session.flush()
        refill_id = stuck.id
    sender = RecordingSender()
    db.job_sender = sender

    report = await sweep(db, settings)

    assert report.refills == 1
    assert Job(JobName.FORWARD_REFILL, (refill_id,)) in sender.jobs
    assert report.overdue_providers == [stored.provider_id]


async def test_resolve_unknown_as_found_at_the_provider(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    order = await place(db, user_id, service_id, settings)
    fake.control.set_faults(hang_add=True)
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.UNKNOWN
    [provider_order_id] = fake.control.order_ids()

    async with db.transaction() as session:
        await resolution.resolve_found(session, order.id, str(provider_order_id))

    stored = await reload(db, order.id)
    assert stored.state is OrderState.PENDING
    assert stored.provider_order_id == str(provider_order_id)
    assert stored.cost == D("0.09000")  # the cost marked before the call
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await resolution.resolve_refund(session, order.id)


async def test_resolve_unknown_by_resending(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    order = await place(db, user_id, service_id, settings)
    await _age(db, order.id, 0, state=OrderState.UNKNOWN)
    sender = RecordingSender()
    db.job_sender = sender

    async with db.transaction() as session:
        await resolution.resolve_resend(session, order.id)

    assert sender.jobs == [Job(JobName.DISPATCH_ORDER, (order.id,))]
    assert await dispatch_order(db, adapters, order.id, settings) is DispatchOutcome.PLACED
    assert await ledger_count(db, order.id, EntryKind.CHARGE) == 1


async def test_resolve_unknown_by_refunding_exactly_once(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    order = await place(db, user_id, service_id, settings)
    await _age(db, order.id, 0, state=OrderState.UNKNOWN)

    async with db.transaction() as session:
        await resolution.resolve_refund(session, order.id)
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await resolution.resolve_refund(session, order.id)

    stored = await reload(db, order.id)
    assert stored.state is OrderState.CANCELED
    assert stored.refunded == stored.charge
    assert await ledger_count(db, order.id, EntryKind.REFUND) == 1
    assert await balance_of(db, user_id) == D("10")


async def test_resolution_refuses_bad_input(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    service_id, user_id = await _setup(db, registry, adapters, settings, fake)
    order = await place(db, user_id, service_id, settings)
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await resolution.resolve_resend(session, order.id + 1000)
    with pytest.raises(Conflict):  # still queued: nothing to resolve
        async with db.transaction() as session:
            await resolution.resolve_resend(session, order.id)
    await _age(db, order.id, 0, state=OrderState.UNKNOWN)
    with pytest.raises(InvalidInput):
        async with db.transaction() as session:
            await resolution.resolve_found(session, order.id, "has spaces")
    assert (await reload(db, order.id)).state is OrderState.UNKNOWN
