"""Core's `JobSender` on Dramatiq: a committed job becomes a message to the actor of the same name."""

from __future__ import annotations

from dramatiq import Broker

from core.jobs import Job


class BrokerJobSender:
    """Sends each job to the actor named like it (`JobName` values are actor names)."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def send(self, job: Job) -> None:
        """Enqueue the job; raises when the broker is unreachable (core logs it, the sweep re-derives it)."""
        self.broker.get_actor(job.name).send(*job.args)

    def __repr__(self) -> str:
        return f"BrokerJobSender({type(self.broker).__name__})"
