"""The actors: thin async functions that take ids and call one core use case each.

Retries live in exactly one layer per kind of failure:

- provider failures are handled by core (failover to the next route; requeue with a delay; requests
  put back for the sweep) and never retried by Dramatiq;
- unexpected exceptions (a database hiccup) are retried by Dramatiq only for actors whose core use case
  starts with an atomic claim (dispatch, refill, cancel): a retry finds the work claimed or done and
  returns early, so it can never send anything twice;
- periodic actors (status sync, catalog sync, balance check, sweep) are not retried at all: the next
  scheduled run is their retry.

Actors are declared per broker (not at import time on a global broker), so tests and the embedded mode
can run isolated brokers in one process.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dramatiq
import structlog
from dramatiq import Actor, Broker

from core.catalog.sync import sync_catalog as run_catalog_sync
from core.connections.balance import check_balance as run_balance_check
from core.errors import DomainError
from core.jobs import JobName
from core.orders import dispatch, forwarding, status_sync
from core.orders.sweep import sweep as run_sweep
from core.scheduling import service as leases
from core.settings import Settings
from workers.resources import PanelResources

log = structlog.get_logger(__name__)

SYNC_STATUSES = "sync_statuses"
SYNC_CATALOG = "sync_catalog"
CHECK_BALANCE = "check_balance"
SWEEP = "sweep"

MINUTE_MS = 60_000


@dataclass(frozen=True)
class PanelActors:
    """Every actor of the panel, declared on one broker."""

    dispatch_order: Actor[Any, Any]
    forward_refill: Actor[Any, Any]
    forward_cancel: Actor[Any, Any]
    sync_statuses: Actor[Any, Any]
    sync_catalog: Actor[Any, Any]
    check_balance: Actor[Any, Any]
    sweep: Actor[Any, Any]


def queue_names(settings: Settings) -> dict[str, str]:
    """Queue per kind of work, so a long catalog sync never delays dispatch."""
    prefix = settings.broker_namespace
    return {"orders": f"{prefix}.orders", "sync": f"{prefix}.sync", "maintenance": f"{prefix}.maintenance"}


def declare_actors(broker: Broker, resources: PanelResources, settings: Settings) -> PanelActors:
    """Declare the panel's actors on `broker`; they use `resources` once the worker opened them."""
    queues = queue_names(settings)
    deadline_ms = int(settings.provider_timeout_seconds * 1000)
    # Dispatch may try several routes, each with one provider call of at most the deadline.
    dispatch_limit = max(5 * MINUTE_MS, 10 * deadline_ms + MINUTE_MS)
    forward_limit = max(5 * MINUTE_MS, forwarding.MAX_ROUNDS * deadline_ms + MINUTE_MS)
    sync_limit = 30 * MINUTE_MS

    async def dispatch_order(order_id: int) -> None:
        ready = resources.ready()
        outcome = await dispatch.dispatch_order(ready.db, ready.adapters, order_id, ready.settings)
        log.info("dispatch_order", order_id=order_id, outcome=outcome.value)

    async def forward_refill(refill_id: int) -> None:
        ready = resources.ready()
        report = await forwarding.forward_refill(ready.db, ready.adapters, refill_id)
        log.info("forward_refill", refill_id=refill_id, sent=report.sent, accepted=report.accepted)

    async def forward_cancel(cancel_request_id: int) -> None:
        ready = resources.ready()
        report = await forwarding.forward_cancel(ready.db, ready.adapters, cancel_request_id)
        log.info("forward_cancel", cancel_request_id=cancel_request_id, accepted=report.accepted)

    async def sync_statuses(provider_id: int) -> None:
        ready = resources.ready()
        # One sync per provider at a time: a slow run must not be doubled by the next scheduled one.
        name, holder = f"status_sync:{provider_id}", uuid.uuid4().hex
        async with ready.db.transaction() as session:
            if not await leases.acquire(session, name, holder, timedelta(milliseconds=sync_limit)):
                log.info("sync_statuses_already_running", provider_id=provider_id)
                return
        try:
            report = await status_sync.sync_provider_statuses(
                ready.db,
                ready.adapters,
                provider_id,
                ready.settings,
                concurrency=ready.settings.status_sync_concurrency,
            )
            refills = await forwarding.sync_refill_statuses(ready.db, ready.adapters, provider_id)
        finally:
            async with ready.db.transaction() as session:
                await leases.release(session, name, holder)
        log.info(
            "sync_statuses",
            provider_id=provider_id,
            checked=report.checked,
            changed=report.changed,
            calls=report.calls,
            failed_batches=report.failed_batches,
            refills_changed=refills,
        )

    async def sync_catalog(provider_id: int) -> None:
        ready = resources.ready()
        result = await run_catalog_sync(ready.db, ready.adapters, provider_id, ready.settings)
        log.info("sync_catalog", provider=result.name, error=result.error)

    async def check_balance(provider_id: int) -> None:
        ready = resources.ready()
        reading = await run_balance_check(ready.db, ready.adapters, provider_id)
        log.info("check_balance", provider=reading.name, balance=str(reading.balance), error=reading.error)

    declared: dict[str, Actor[Any, Any]] = {}

    async def sweep() -> None:
        ready = resources.ready()
        report = await run_sweep(ready.db, ready.settings)
        for provider_id in report.overdue_providers:
            declared[SYNC_STATUSES].send(provider_id)
        log.info(
            "sweep",
            queued=report.queued,
            stalled_to_unknown=report.stalled_to_unknown,
            stalled_to_queued=report.stalled_to_queued,
            refills=report.refills,
            cancels=report.cancels,
            unknown_waiting=report.unknown_waiting,
        )

    def declare(fn: Any, name: str, queue: str, **options: Any) -> Actor[Any, Any]:
        actor: Actor[Any, Any] = dramatiq.actor(broker=broker, actor_name=name, queue_name=queue, **options)(
            fn
        )
        declared[name] = actor
        return actor

    claimed_work = {
        "max_retries": 3,
        "min_backoff": 2_000,
        "max_backoff": MINUTE_MS,
        "throws": (DomainError,),
    }
    periodic = {"max_retries": 0}
    return PanelActors(
        dispatch_order=declare(
            dispatch_order,
            JobName.DISPATCH_ORDER.value,
            queues["orders"],
            time_limit=dispatch_limit,
            **claimed_work,
        ),
        forward_refill=declare(
            forward_refill,
            JobName.FORWARD_REFILL.value,
            queues["orders"],
            time_limit=forward_limit,
            **claimed_work,
        ),
        forward_cancel=declare(
            forward_cancel,
            JobName.FORWARD_CANCEL.value,
            queues["orders"],
            time_limit=forward_limit,
            **claimed_work,
        ),
        sync_statuses=declare(
            sync_statuses, SYNC_STATUSES, queues["sync"], time_limit=sync_limit, **periodic
        ),
        sync_catalog=declare(
            sync_catalog, SYNC_CATALOG, queues["sync"], time_limit=2 * deadline_ms + 2 * MINUTE_MS, **periodic
        ),
        check_balance=declare(
            check_balance,
            CHECK_BALANCE,
            queues["maintenance"],
            time_limit=deadline_ms + MINUTE_MS,
            **periodic,
        ),
        sweep=declare(sweep, SWEEP, queues["maintenance"], time_limit=5 * MINUTE_MS, **periodic),
    )
