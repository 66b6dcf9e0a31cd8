"""Status sync: ask a provider how its accepted orders stand and mirror the answer, monotonically.

Only accepted (pending / processing / in progress) orders whose `next_check_at` has come are asked about,
in batches of at most 100 ids, with a bounded number of batches in flight. Checks are spaced out by order
age (young orders often, old ones rarely). Each batch is applied in its own transaction with the rows
locked: statuses go through `apply_upstream_status` (never backwards, terminal never changes), start
count, remains and the provider's charge are stored, an unrecognised status is kept raw and flagged, an
id the provider left out changes nothing, and a terminal state is settled by `refunds.settle` at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.errors import DomainError
from core.money import amount
from core.orders import refunds, worklist
from core.orders.domain import ACCEPTED_STATES, TERMINAL_STATES, OrderState, apply_upstream_status
from core.settings import Settings
from providers.base import MAX_BATCH
from providers.dto import ItemError, OrderStatusInfo
from providers.errors import ProviderError

log = structlog.get_logger(__name__)

PAGE_SIZE = 1000
DEFAULT_CONCURRENCY = 8

# (order age below, multiple of the base interval): young orders move fast, old ones rarely change.
_SPACING: tuple[tuple[timedelta, int], ...] = (
    (timedelta(hours=1), 1),
    (timedelta(hours=6), 2),
    (timedelta(days=1), 5),
    (timedelta(days=7), 15),
)
_OLD_ORDER_MULTIPLE = 60


def next_check_delay(age: timedelta, base_seconds: float) -> timedelta:
    """How long until an order of this age is checked again: 1×, 2×, 5×, 15× then 60× the base interval."""
    for limit, multiple in _SPACING:
        if age < limit:
            return timedelta(seconds=base_seconds * multiple)
    return timedelta(seconds=base_seconds * _OLD_ORDER_MULTIPLE)


def first_check_delay(settings: Settings) -> timedelta:
    """When a newly accepted order is first asked about."""
    return timedelta(seconds=settings.status_sync_seconds)


@dataclass
class SyncReport:
    """What one status sync of one provider did."""

    provider_id: int
    checked: int = 0
    changed: int = 0
    finished: int = 0
    flagged: int = 0
    missing: int = 0
    item_errors: int = 0
    calls: int = 0
    failed_batches: int = 0
    refunded: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class StatusChange:
    """What applying one provider status did: whether the state moved, and the audit events to record."""

    changed: bool
    events: list[tuple[str, str]] = field(default_factory=list)


def _flag(order: worklist.CheckedOrder, why: str, change: StatusChange) -> StatusChange:
    if not order.status_flagged:
        change.events.append(("status_flagged", why))
    order.status_flagged = True
    return change


def apply_status(order: worklist.CheckedOrder, info: OrderStatusInfo, now: datetime) -> StatusChange:
    """Apply one provider status to an accepted order's snapshot (no I/O).

    An order this makes terminal still has to be settled (`refunds.settle`) in the same transaction.
    """
    order.raw_status = info.raw_status[:100] if info.raw_status else None
    if info.start_count is not None:
        order.start_count = info.start_count
    if info.remains is not None:
        order.remains = info.remains
    if info.charge is not None:
        order.provider_charge = amount(info.charge)
    update = apply_upstream_status(order.state, info.status)
    if update.flagged:
        return _flag(order, f"unrecognised provider status {info.raw_status!r}", StatusChange(False))
    new_state = update.new_state
    if new_state is None:
        return StatusChange(False)
    if new_state is OrderState.PARTIAL and info.remains is None:
        # Refunding needs the final remains; settling without them would refund nothing, for good.
        return _flag(order, "provider says Partial without remains; waiting for them", StatusChange(False))
    old = order.state
    order.state = new_state
    if new_state in TERMINAL_STATES:
        order.finished_at = now
        order.next_check_at = None
    return StatusChange(True, [("status", f"{old.value} → {new_state.value} (provider: {info.raw_status})")])


async def _apply_batch(
    db: Database,
    batch: Sequence[tuple[int, str]],
    replies: Mapping[str, OrderStatusInfo | ItemError],
    settings: Settings,
    report: SyncReport,
) -> None:
    """One transaction per batch: lock the rows, apply the answers, write them in one executemany
    UPDATE, then settle the orders that ended (the ORM is used only for those)."""
    now = utcnow()
    written: list[worklist.CheckedOrder] = []
    events: list[tuple[int, str, str]] = []
    finished: list[worklist.CheckedOrder] = []
    async with db.transaction() as session:
        for order in await worklist.lock_for_check(session, [order_id for order_id, _ in batch]):
            if order.state not in ACCEPTED_STATES or order.provider_order_id is None:
                continue  # settled or resolved since the batch was read
            info = replies.get(order.provider_order_id)
            if info is None:
                report.missing += 1  # the provider said nothing about it: change nothing
                continue
            report.checked += 1
            order.last_checked_at = now
            order.next_check_at = now + next_check_delay(now - order.created_at, settings.status_sync_seconds)
            if isinstance(info, ItemError):
                report.item_errors += 1
                order.last_error = info.message[:500]
            else:
                was_flagged = order.status_flagged
                change = apply_status(order, info, now)
                events.extend((order.id, kind, detail) for kind, detail in change.events)
                if change.changed:
                    report.changed += 1
                    if order.state in TERMINAL_STATES:
                        finished.append(order)
                if order.status_flagged and not was_flagged:
                    report.flagged += 1
            written.append(order)
        await worklist.write_checks(session, written, now)
        await worklist.add_events(session, events, now)
        report.finished += len(finished)
        # Most finished orders are owed nothing (Completed); only the others need the ledger.
        packages = await worklist.package_service_ids(session, {o.service_id for o in finished})
        owed = [o.id for o in finished if refunds.refund_due(o, package=o.service_id in packages) > 0]
        # Refunds lock customers' rows; taking them in user id order keeps concurrent batches (whose
        # orders belong to overlapping customers) from deadlocking each other.
        for ended, _service in await worklist.orders_by_user(session, owed):
            refunded = await refunds.settle(session, ended)
            if refunded:
                report.refunded.append((ended.id, str(refunded)))


async def sync_provider_statuses(
    db: Database,
    adapters: AdapterFactory,
    provider_id: int,
    settings: Settings,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    now: datetime | None = None,
) -> SyncReport:
    """Check every due accepted order at one provider once; one provider call per ≤100 orders."""
    report = SyncReport(provider_id)
    moment = now or utcnow()
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, provider_id)
    if connection is None:  # a disabled provider's orders are still followed to their end
        return report
    try:
        adapter = adapters.for_connection(connection)
    except DomainError as exc:
        log.warning("status_sync_no_adapter", provider=connection.name, error=str(exc))
        return report
    batch_size = max(1, min(adapter.batch_size, MAX_BATCH))
    slots = asyncio.Semaphore(concurrency)
    provider_down = asyncio.Event()

    async def check(batch: list[tuple[int, str]]) -> None:
        try:
            report.calls += 1
            try:
                replies = await adapter.statuses([provider_order_id for _, provider_order_id in batch])
            except ProviderError as exc:
                # Nothing is changed; the orders stay due and the next run asks again.
                report.failed_batches += 1
                provider_down.set()
                log.warning("status_sync_provider_error", provider=connection.name, error=str(exc))
                return
            await _apply_batch(db, batch, replies, settings, report)
        finally:
            slots.release()

    # Pages are read by id (keyset) as slots free up, so memory stays bounded whatever the backlog.
    # An exception in one batch cancels the rest through the task group and propagates.
    async with asyncio.TaskGroup() as group:
        after_id = 0
        while not provider_down.is_set():
            async with db.transaction() as session:
                page = await worklist.due_status_checks(
                    session, provider_id, moment, after_id=after_id, limit=PAGE_SIZE
                )
            if not page:
                break
            after_id = page[-1][0]
            for start in range(0, len(page), batch_size):
                await slots.acquire()
                if provider_down.is_set():
                    slots.release()
                    break
                group.create_task(check(page[start : start + batch_size]))
    return report
