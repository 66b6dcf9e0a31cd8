"""`panel worker`: Dramatiq workers and the scheduler in one long-running process."""

from __future__ import annotations

import asyncio
import logging
import signal

import structlog

from core.db.database import Database
from core.settings import Settings
from providers.registry import AdapterRegistry
from workers.runtime import WorkerRuntime
from workers.scheduler import Scheduler

log = structlog.get_logger(__name__)


async def _serve(runtime: WorkerRuntime, settings: Settings, *, threads: int | None, scheduler: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await asyncio.to_thread(runtime.start_worker, threads)
    log.info(
        "worker_started", broker=type(runtime.broker).__name__, threads=threads or settings.worker_threads
    )
    db = Database(settings.database_url, job_sender=runtime.sender)
    try:
        if scheduler:
            await Scheduler(db, runtime.actors, settings).run(stop)
        else:
            await stop.wait()
    finally:
        log.info("worker_stopping")
        await db.dispose()
        await asyncio.to_thread(runtime.close)


def run_worker_process(
    settings: Settings,
    *,
    registry: AdapterRegistry | None = None,
    threads: int | None = None,
    scheduler: bool = True,
) -> None:
    """Consume jobs (and lead the schedule when elected) until SIGINT or SIGTERM."""
    # httpx logs every provider call at INFO; at worker volume that drowns the pipeline's own events.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    runtime = WorkerRuntime(settings, registry=registry)
    asyncio.run(_serve(runtime, settings, threads=threads, scheduler=scheduler))
