"""Refills and cancels: forwarded to the order's provider in batches, and refill statuses followed.

A forwarder claims up to 100 waiting requests for one provider at once (requested → submitting, rows
other forwarders hold are skipped), sends them in one batch call and records each answer. Refill and
cancel calls are safe to repeat, so when the provider cannot be reached the requests simply go back to
`requested` and the sweep sends them again later.

A cancel never refunds by itself: the provider's accepting a cancel only means it will try, so the
refund comes when status sync sees Canceled (full) or Partial (the undelivered share), through
`refunds.settle`. The exception is an order still `queued`, which no provider has seen: it is canceled
here with one atomic queued → canceled update and refunded in full.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.errors import DomainError
from core.orders import refunds, worklist
from core.orders.domain import ACCEPTED_STATES, TERMINAL_STATES, CancelState, OrderState, RefillState
from core.orders.models import CancelRequest, Order, OrderEvent, Refill
from providers.base import MAX_BATCH, ProviderAdapter
from providers.dto import CancelInfo, ItemError, RefillInfo, RefillStatusInfo
from providers.errors import ProviderError, ProviderRejected
from providers.status import RefillStatus

log = structlog.get_logger(__name__)

MAX_ROUNDS = 10  # batches per forwarding run; the sweep picks up whatever is left
NOT_ANSWERED = "the provider's reply did not mention this order"

_REFILL_STATES = {
    RefillStatus.PENDING: RefillState.PENDING,
    RefillStatus.IN_PROGRESS: RefillState.IN_PROGRESS,
    RefillStatus.COMPLETED: RefillState.COMPLETED,
    RefillStatus.REJECTED: RefillState.REJECTED,
    RefillStatus.FAILED: RefillState.FAILED,
}
_REFILL_FINAL = frozenset({RefillState.COMPLETED, RefillState.REJECTED, RefillState.FAILED})
_REFILL_ORDER = {RefillState.PENDING: 0, RefillState.IN_PROGRESS: 1}


@dataclass(frozen=True)
class ForwardReport:
    """How many requests one forwarding run sent and how they came back."""

    sent: int = 0
    accepted: int = 0
    refused: int = 0
    retry_later: int = 0
    unanswered: int = 0


async def _adapter(db: Database, adapters: AdapterFactory, provider_id: int) -> ProviderAdapter | None:
    async with db.transaction() as session:
        connection = await session.get(ProviderConnection, provider_id)
    if connection is None:
        return None
    try:
        return adapters.for_connection(connection)
    except DomainError as exc:
        log.warning("forwarding_no_adapter", provider_id=provider_id, error=str(exc))
        return None


async def _forward_in_batches(
    db: Database,
    adapters: AdapterFactory,
    provider_id: int,
    claim: Callable[..., Awaitable[Sequence[tuple[Any, str]]]],
    send: Callable[[ProviderAdapter, list[str]], Awaitable[Mapping[str, Any]]],
    record: Callable[
        [Database, dict[str, int], Mapping[str, Any], ProviderError | None], Awaitable[ForwardReport]
    ],
) -> ForwardReport:
    """Claim waiting requests of one provider (at most 100 at a time), send each batch, record the answers.

    A provider error fails the whole batch; `record` decides what that means for each request.
    """
    adapter = await _adapter(db, adapters, provider_id)
    if adapter is None:
        return ForwardReport()
    totals = ForwardReport()
    for _ in range(MAX_ROUNDS):
        async with db.transaction() as session:
            claimed = await claim(session, provider_id, utcnow(), limit=MAX_BATCH)
        if not claimed:
            break
        by_order = {provider_order_id: request.id for request, provider_order_id in claimed}
        failure: ProviderError | None = None
        try:
            replies = await send(adapter, list(by_order))
        except ProviderError as exc:
            replies, failure = {}, exc
        totals = _add(totals, await record(db, by_order, replies, failure))
        if len(claimed) < MAX_BATCH:
            break
    return totals


# -- refills ------------------------------------------------------------------------------------------


async def forward_refill(db: Database, adapters: AdapterFactory, refill_id: int) -> ForwardReport:
    """Forward one refill request, together with every other waiting refill at the same provider."""
    async with db.transaction() as session:
        refill = await session.get(Refill, refill_id)
        if refill is None or refill.state is not RefillState.REQUESTED:
            return ForwardReport()
        order = await session.get(Order, refill.order_id)
        if order is None or order.provider_id is None or order.provider_order_id is None:
            refill.state = RefillState.REJECTED
            refill.error = "the order was never accepted by a provider"
            return ForwardReport(refused=1)
        provider_id = order.provider_id
    return await forward_refills(db, adapters, provider_id)


async def forward_refills(db: Database, adapters: AdapterFactory, provider_id: int) -> ForwardReport:
    """Send waiting refill requests of one provider in batches of up to 100."""
    return await _forward_in_batches(
        db,
        adapters,
        provider_id,
        worklist.claim_refills,
        lambda adapter, ids: adapter.refill(ids),
        _record_refills,
    )


async def _record_refills(
    db: Database,
    by_order: Mapping[str, int],
    replies: Mapping[str, RefillInfo | ItemError],
    failure: ProviderError | None,
) -> ForwardReport:
    counts = {"accepted": 0, "refused": 0, "retry_later": 0, "unanswered": 0}
    async with db.transaction() as session:
        for provider_order_id, refill_id in by_order.items():
            refill = await session.get(Refill, refill_id, with_for_update=True)
            if refill is None or refill.state is not RefillState.SUBMITTING:
                continue
            reply = replies.get(provider_order_id)
            if failure is not None:
                refused = isinstance(failure, ProviderRejected)
                refill.state = RefillState.REJECTED if refused else RefillState.REQUESTED
                refill.error = str(failure)[:500]
                counts["refused" if refused else "retry_later"] += 1
            elif isinstance(reply, RefillInfo):
                refill.state = RefillState.PENDING
                refill.provider_refill_id = reply.provider_refill_id
                refill.error = None
                counts["accepted"] += 1
            elif isinstance(reply, ItemError):
                refill.state = RefillState.REJECTED
                refill.error = reply.message[:500]
                counts["refused"] += 1
            else:
                refill.state = RefillState.UNKNOWN
                refill.error = NOT_ANSWERED
                counts["unanswered"] += 1
            _event(session, refill.order_id, "refill", f"refill {refill.id}: {refill.state.value}")
    return ForwardReport(sent=len(by_order), **counts)


async def sync_refill_statuses(db: Database, adapters: AdapterFactory, provider_id: int) -> int:
    """Update refills in progress at one provider from its refill statuses; returns how many changed."""
    adapter = await _adapter(db, adapters, provider_id)
    if adapter is None or not adapter.capabilities.refill:
        return 0
    async with db.transaction() as session:
        active = (
            await session.execute(
                select(Refill.id, Refill.provider_refill_id)
                .join(Order, Order.id == Refill.order_id)
                .where(
                    Order.provider_id == provider_id,
                    Refill.state.in_([RefillState.PENDING, RefillState.IN_PROGRESS]),
                    Refill.provider_refill_id.is_not(None),
                )
                .order_by(Refill.id)
            )
        ).all()
    changed = 0
    for start in range(0, len(active), MAX_BATCH):
        chunk = {
            str(provider_refill_id): refill_id
            for refill_id, provider_refill_id in active[start : start + MAX_BATCH]
        }
        try:
            replies = await adapter.refill_statuses(list(chunk))
        except ProviderError as exc:
            log.warning("refill_status_provider_error", provider_id=provider_id, error=str(exc))
            break
        changed += await _record_refill_statuses(db, chunk, replies)
    return changed


async def _record_refill_statuses(
    db: Database, chunk: Mapping[str, int], replies: Mapping[str, RefillStatusInfo | ItemError]
) -> int:
    changed = 0
    async with db.transaction() as session:
        for provider_refill_id, refill_id in sorted(chunk.items(), key=lambda item: item[1]):
            reply = replies.get(provider_refill_id)
            refill = await session.get(Refill, refill_id, with_for_update=True)
            if reply is None or refill is None or refill.state in _REFILL_FINAL:
                continue
            if isinstance(reply, ItemError):
                refill.error = reply.message[:500]
                continue
            refill.raw_status = reply.raw_status[:100]
            new_state = _REFILL_STATES.get(reply.status)
            if new_state is None or new_state == refill.state:
                continue
            if _REFILL_ORDER.get(new_state, 2) < _REFILL_ORDER.get(refill.state, 2):
                continue  # never backwards (In progress → Pending)
            refill.state = new_state
            changed += 1
            _event(session, refill.order_id, "refill", f"refill {refill.id}: {new_state.value}")
    return changed


# -- cancels ------------------------------------------------------------------------------------------


async def forward_cancel(db: Database, adapters: AdapterFactory, cancel_id: int) -> ForwardReport:
    """Act on one cancel request: cancel a queued order here, or forward it to the order's provider.

    While the order is being dispatched or its outcome is unknown the request waits (the sweep retries
    it); for a finished order it is refused.
    """
    now = utcnow()
    async with db.transaction() as session:
        cancel = await session.get(CancelRequest, cancel_id, with_for_update=True)
        if cancel is None or cancel.state is not CancelState.REQUESTED:
            return ForwardReport()
        order = await session.get(Order, cancel.order_id)
        if order is None:
            return ForwardReport()
        if order.state is OrderState.QUEUED and await worklist.cancel_if_queued(session, order.id, now):
            await _cancel_locally(session, cancel, order)
            return ForwardReport(sent=0, accepted=1)
        if order.state in TERMINAL_STATES:
            cancel.state = CancelState.REJECTED
            cancel.error = f"the order is already {order.state.value}"
            return ForwardReport(refused=1)
        if order.state not in ACCEPTED_STATES or order.provider_id is None:
            return ForwardReport(retry_later=1)
        provider_id = order.provider_id
    return await forward_cancels(db, adapters, provider_id)


async def _cancel_locally(session: AsyncSession, cancel: CancelRequest, order: Order) -> None:
    await session.refresh(order)
    cancel.state = CancelState.ACCEPTED
    _event(session, order.id, "canceled", f"cancel request {cancel.id}: canceled before dispatch")
    await session.flush()
    await refunds.settle(session, order, memo=f"order {order.id} canceled before dispatch")


async def forward_cancels(db: Database, adapters: AdapterFactory, provider_id: int) -> ForwardReport:
    """Send waiting cancel requests of one provider's orders in batches of up to 100."""
    return await _forward_in_batches(
        db,
        adapters,
        provider_id,
        worklist.claim_cancels,
        lambda adapter, ids: adapter.cancel(ids),
        _record_cancels,
    )


async def _record_cancels(
    db: Database,
    by_order: Mapping[str, int],
    replies: Mapping[str, CancelInfo | ItemError],
    failure: ProviderError | None,
) -> ForwardReport:
    counts = {"accepted": 0, "refused": 0, "retry_later": 0, "unanswered": 0}
    now = utcnow()
    async with db.transaction() as session:
        for provider_order_id, cancel_id in sorted(by_order.items(), key=lambda item: item[1]):
            cancel = await session.get(CancelRequest, cancel_id, with_for_update=True)
            if cancel is None or cancel.state is not CancelState.SUBMITTING:
                continue
            reply = replies.get(provider_order_id)
            if failure is not None:
                refused = isinstance(failure, ProviderRejected)
                cancel.state = CancelState.REJECTED if refused else CancelState.REQUESTED
                cancel.error = str(failure)[:500]
                counts["refused" if refused else "retry_later"] += 1
            elif isinstance(reply, CancelInfo) and reply.accepted:
                cancel.state = CancelState.ACCEPTED
                cancel.error = None
                counts["accepted"] += 1
                order = await session.get(Order, cancel.order_id)
                if order is not None and order.state in ACCEPTED_STATES:
                    order.next_check_at = now  # learn the outcome (and refund) at the next status sync
            elif isinstance(reply, CancelInfo | ItemError):
                cancel.state = CancelState.REJECTED
                cancel.error = (reply.message or "the provider refused to cancel")[:500]
                counts["refused"] += 1
            else:
                cancel.state = CancelState.UNKNOWN
                cancel.error = NOT_ANSWERED
                counts["unanswered"] += 1
            _event(session, cancel.order_id, "cancel", f"cancel request {cancel.id}: {cancel.state.value}")
    return ForwardReport(sent=len(by_order), **counts)


def _event(session: AsyncSession, order_id: int, kind: str, detail: str) -> None:
    session.add(OrderEvent(order_id=order_id, kind=kind, detail=detail[:1000]))


def _add(left: ForwardReport, right: ForwardReport) -> ForwardReport:
    return ForwardReport(
        sent=left.sent + right.sent,
        accepted=left.accepted + right.accepted,
        refused=left.refused + right.refused,
        retry_later=left.retry_later + right.retry_later,
        unanswered=left.unanswered + right.unanswered,
    )
