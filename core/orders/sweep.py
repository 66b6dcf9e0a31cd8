"""The sweep: re-derive the workers' jobs from the database, so a lost message only delays work.

Run periodically (every `sweep_seconds`), it

- re-enqueues dispatch of orders left in `queued` (a message lost, the broker down at commit, a requeue
  whose delay has passed), touching them so the next sweep does not enqueue them again at once;
- settles orders stuck in `submitting` by a worker that died: with the pre-call mark (`submit_started_at`)
  the request may have reached the provider, so the order goes to `unknown`; without it nothing was
  sent, so it goes back to `queued`;
- re-enqueues refill and cancel requests not yet forwarded, and puts back those a dead forwarder left in
  `submitting` (forwarding them twice is harmless);
- reports providers whose status checks are overdue, so the caller can start their status sync;
- counts orders waiting for an admin in `unknown`.

Everything it changes goes through conditional updates on the current state, so it cannot fight a live
worker: a stall must last longer than the provider deadline plus a margin before it is called stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.database import Database
from core.db.types import utcnow
from core.jobs import JobName, enqueue_after_commit
from core.orders.domain import ACCEPTED_STATES, CancelState, OrderState, RefillState
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from core.settings import Settings

log = structlog.get_logger(__name__)

DEFAULT_LIMIT = 1000


@dataclass
class SweepReport:
    """What one sweep found and did."""

    queued: int = 0
    stalled_to_queued: int = 0
    stalled_to_unknown: int = 0
    refills: int = 0
    cancels: int = 0
    unknown_waiting: int = 0
    overdue_providers: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SweepTimes:
    """The thresholds of one sweep, derived from the settings."""

    now: datetime
    grace: timedelta  # how long a job may legitimately sit in the broker before it is sent again
    stall: timedelta  # how long a claim may go without progress before its worker is presumed dead
    overdue: timedelta  # how late a status check may be before the provider's sync is started

    @classmethod
    def from_settings(cls, settings: Settings, now: datetime | None = None) -> SweepTimes:
        """Thresholds for the given settings."""
        return cls(
            now=now or utcnow(),
            grace=timedelta(seconds=max(settings.sweep_seconds, 5.0)),
            stall=timedelta(seconds=settings.provider_timeout_seconds + settings.stall_margin_seconds),
            overdue=timedelta(seconds=2 * settings.status_sync_seconds + settings.sweep_seconds),
        )


async def sweep(
    db: Database, settings: Settings, *, now: datetime | None = None, limit: int = DEFAULT_LIMIT
) -> SweepReport:
    """One pass of the sweep (see the module docstring); each part in its own transaction."""
    times = SweepTimes.from_settings(settings, now)
    report = SweepReport()
    async with db.transaction() as session:
        report.stalled_to_unknown, report.stalled_to_queued = await _stalled_dispatches(session, times, limit)
    async with db.transaction() as session:
        report.queued = await _queued_orders(session, times, limit)
    async with db.transaction() as session:
        report.refills = await _waiting_requests(session, Refill, times, limit)
    async with db.transaction() as session:
        report.cancels = await _waiting_requests(session, CancelRequest, times, limit)
    async with db.transaction() as session:
        report.overdue_providers = await _overdue_providers(session, times)
        report.unknown_waiting = int(
            await session.scalar(select(func.count()).where(Order.state == OrderState.UNKNOWN)) or 0
        )
    if report.unknown_waiting:
        log.warning("orders_awaiting_resolution", count=report.unknown_waiting)
    return report


async def _stalled_dispatches(session: AsyncSession, times: SweepTimes, limit: int) -> tuple[int, int]:
    cutoff = times.now - times.stall
    stalled = list(
        await session.scalars(
            select(Order)
            .where(Order.state == OrderState.SUBMITTING, Order.updated_at < cutoff)
            .order_by(Order.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    to_unknown = to_queued = 0
    for order in stalled:
        if order.submit_started_at is not None:
            order.state = OrderState.UNKNOWN
            order.last_error = "the worker stopped after sending the order; outcome unknown"
            kind, to_unknown = "outcome_unknown", to_unknown + 1
        else:
            order.state = OrderState.QUEUED
            order.next_check_at = None
            enqueue_after_commit(session, JobName.DISPATCH_ORDER, order.id)
            kind, to_queued = "requeued", to_queued + 1
        session.add(OrderEvent(order_id=order.id, kind=kind, detail="sweep: dispatch stalled"))
    await session.flush()
    return to_unknown, to_queued


async def _queued_orders(session: AsyncSession, times: SweepTimes, limit: int) -> int:
    ids = list(
        await session.scalars(
            select(Order.id)
            .where(
                Order.state == OrderState.QUEUED,
                Order.updated_at < times.now - times.grace,
                or_(Order.next_check_at.is_(None), Order.next_check_at <= times.now),
            )
            .order_by(Order.id)
            .limit(limit)
        )
    )
    if ids:
        # Touch them, so the next sweep waits a full grace period before sending them again.
        await session.execute(
            update(Order)
            .where(Order.id.in_(ids), Order.state == OrderState.QUEUED)
            .values(updated_at=times.now)
            .execution_options(synchronize_session=False)
        )
    for order_id in ids:
        enqueue_after_commit(session, JobName.DISPATCH_ORDER, order_id)
    return len(ids)


async def _waiting_requests(
    session: AsyncSession, model: type[Refill] | type[CancelRequest], times: SweepTimes, limit: int
) -> int:
    requested = RefillState.REQUESTED if model is Refill else CancelState.REQUESTED
    submitting = RefillState.SUBMITTING if model is Refill else CancelState.SUBMITTING
    job = JobName.FORWARD_REFILL if model is Refill else JobName.FORWARD_CANCEL
    stale = (
        select(model.id)
        .where(model.state == submitting, model.updated_at < times.now - times.stall)
        .limit(limit)
    )
    stuck = list(await session.scalars(stale))
    if stuck:
        await session.execute(
            update(model)
            .where(model.id.in_(stuck), model.state == submitting)
            .values(state=requested, updated_at=times.now - times.grace - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )
    ids = list(
        await session.scalars(
            select(model.id)
            .where(model.state == requested, model.updated_at < times.now - times.grace)
            .order_by(model.id)
            .limit(limit)
        )
    )
    if ids:
        await session.execute(
            update(model)
            .where(model.id.in_(ids), model.state == requested)
            .values(updated_at=times.now)
            .execution_options(synchronize_session=False)
        )
    for request_id in ids:
        enqueue_after_commit(session, job, request_id)
    return len(ids)


async def _overdue_providers(session: AsyncSession, times: SweepTimes) -> list[int]:
    rows = await session.scalars(
        select(Order.provider_id)
        .where(
            Order.state.in_(ACCEPTED_STATES),
            Order.provider_id.is_not(None),
            Order.next_check_at < times.now - times.overdue,
        )
        .distinct()
    )
    return sorted(provider_id for provider_id in rows if provider_id is not None)
