"""Jobs for the workers, buffered in the transaction that creates them and sent only after it commits.

Core knows jobs only by name and integer arguments; the workers package provides the sender (Dramatiq)
and registers it on the Database at start-up. Sending is best effort: every job can be re-derived from
database state by the periodic sweep, so a job dropped here (no sender, broker down) is only delayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger(__name__)

_JOBS_KEY = "panel.pending_jobs"


class JobName(StrEnum):
    """The jobs core asks the workers to do; each names a Dramatiq actor that takes the id shown."""

    DISPATCH_ORDER = "dispatch_order"  # (order_id)
    FORWARD_REFILL = "forward_refill"  # (refill_id)
    FORWARD_CANCEL = "forward_cancel"  # (cancel_request_id)


@dataclass(frozen=True)
class Job:
    """A unit of work for the workers: an actor name and its (id-only) arguments."""

    name: str
    args: tuple[int | str, ...] = field(default_factory=tuple)


class JobSender(Protocol):
    """Something that hands jobs to the workers (the Dramatiq broker in production)."""

    def send(self, job: Job) -> None:
        """Send one job; may raise when the broker is unreachable."""


def enqueue_after_commit(session: AsyncSession, name: str, *args: int | str) -> None:
    """Buffer a job on the session; it is sent only if the current transaction commits."""
    jobs: list[Job] = session.info.setdefault(_JOBS_KEY, [])
    job = Job(name, tuple(args))
    if job not in jobs:
        jobs.append(job)


def take_pending_jobs(session: AsyncSession) -> list[Job]:
    """Remove and return the jobs buffered on the session."""
    jobs: list[Job] = session.info.pop(_JOBS_KEY, [])
    return jobs


def send_jobs(sender: JobSender | None, jobs: list[Job]) -> None:
    """Send committed jobs; failures are logged, never raised, because the sweep re-derives them."""
    for job in jobs:
        if sender is None:
            log.debug("job_not_sent_no_broker", job=job.name, args=job.args)
            continue
        try:
            sender.send(job)
        except Exception as exc:  # a broker outage must not fail a committed request
            log.warning("job_send_failed", job=job.name, args=job.args, error=type(exc).__name__)
