"""`panel worker`: Dramatiq workers and the periodic scheduler, for production."""

from __future__ import annotations

import click

from cli.providers_cmd import adapter_registry
from cli.runtime import ensure_schema, settings
from core.logs import configure_logging


@click.command("worker")
@click.option(
    "--threads", type=click.IntRange(1, 256), default=None, help="jobs run at once (PANEL_WORKER_THREADS)"
)
@click.option("--no-scheduler", is_flag=True, help="only consume jobs; leave the schedule to other workers")
def worker(threads: int | None, no_scheduler: bool) -> None:
    """Run jobs from the broker (PANEL_BROKER_URL) and the periodic scheduler until SIGTERM."""
    # Imported here so that every other command starts without loading Dramatiq and its brokers.
    from workers.broker import BrokerConfigError, broker_kind
    from workers.process import run_worker_process

    config = settings()
    try:
        kind = broker_kind(config.broker_url)
    except BrokerConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if kind == "stub":
        raise click.ClickException(
            "PANEL_BROKER_URL is not set; without a broker `panel serve` runs the workers itself"
        )
    ensure_schema(config.database_url)
    registry = adapter_registry()
    configure_logging(config.log_level, json=config.log_json)
    run_worker_process(config, registry=registry, threads=threads, scheduler=not no_scheduler)
