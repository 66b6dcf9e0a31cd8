"""Workers inside the API process: what `panel serve` runs beside the API.

Without a broker (the embedded default) the stub broker's worker and the scheduler run in this process,
so a bare `panel serve` takes orders and fulfils them. With a broker configured, `panel serve` only
sends jobs; `panel worker` processes do the work and run the scheduler.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import structlog

from core.db.database import Database
from core.settings import Settings
from providers.registry import AdapterRegistry
from workers.runtime import WorkerRuntime
from workers.scheduler import Scheduler

log = structlog.get_logger(__name__)


@asynccontextmanager
async def embedded_workers(
    db: Database,
    settings: Settings,
    *,
    registry: AdapterRegistry | None = None,
    threads: int | None = None,
    scheduler: bool = True,
) -> AsyncIterator[WorkerRuntime]:
    """Run the stub-broker worker (and the scheduler) in this process while the block runs.

    `db` is the API's database: jobs it commits go to the in-process worker, and the scheduler keeps its
    lease through it. The worker opens its own database engine on its own event loop.
    """
    runtime = WorkerRuntime(settings.model_copy(update={"broker_url": None}), registry=registry)
    previous = db.job_sender
    db.job_sender = runtime.sender
    await asyncio.to_thread(runtime.start_worker, threads)
    stop = asyncio.Event()
    task = (
        asyncio.create_task(Scheduler(db, runtime.actors, settings).run(stop), name="panel-scheduler")
        if scheduler
        else None
    )
    log.info("embedded_workers_started", threads=threads or settings.worker_threads, scheduler=scheduler)
    try:
        yield runtime
    finally:
        stop.set()
        if task is not None:
            await task
        db.job_sender = previous
        await asyncio.to_thread(runtime.close)


@asynccontextmanager
async def background_workers(
    db: Database, settings: Settings, *, registry: AdapterRegistry | None = None
) -> AsyncIterator[WorkerRuntime | None]:
    """What `panel serve` runs beside the API: embedded workers without a broker, else only a job sender.

    `PANEL_EMBEDDED_WORKERS=false` without a broker runs neither: orders wait in the database until a
    worker (or the sweep of a later `panel serve`) picks them up.
    """
    if not settings.broker_url and not settings.embedded_workers:
        log.info("embedded_workers_disabled")
        yield None
        return
    if not settings.broker_url:
        async with embedded_workers(db, settings, registry=registry) as runtime:
            yield runtime
        return
    runtime = WorkerRuntime(settings, registry=registry)
    previous = db.job_sender
    db.job_sender = runtime.sender
    try:
        yield runtime
    finally:
        db.job_sender = previous
        await asyncio.to_thread(runtime.close)


def serve_lifespan(
    db: Database, settings: Settings, *, registry: AdapterRegistry | None = None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """`background_workers` as a Litestar lifespan hook, for `panel serve`."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async with background_workers(db, settings, registry=registry):
            yield

    return lifespan
