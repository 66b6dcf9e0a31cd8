"""`panel orders ...`: look at orders and settle those whose dispatch outcome is unknown."""

from __future__ import annotations

import click

from cli.runtime import run_in_transaction, settings
from core.db.database import Database
from core.orders import resolution
from core.orders.domain import OrderState
from core.orders.models import Order


@click.group("orders")
def orders_group() -> None:
    """Customer orders."""


def _line(order: Order) -> str:
    where = f"{order.provider_id}:{order.provider_order_id or '-'}" if order.provider_id else "-"
    flag = " FLAGGED" if order.status_flagged else ""
    error = f"  ({order.last_error})" if order.last_error else ""
    return (
        f"{order.id:>7}  {order.created_at:%Y-%m-%d %H:%M}  user {order.user_id:<5} service {order.service_id:<5} "
        f"{order.state.value:<11} charge {order.charge} refunded {order.refunded}  provider {where}"
        f"{flag}{error}"
    )


@orders_group.command("list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([state.value for state in OrderState]),
    help="only orders in this state (repeatable); `--state unknown` lists those awaiting resolution",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
def list_orders(states: tuple[str, ...], limit: int) -> None:
    """Orders, newest first."""

    async def work(db: Database) -> list[str]:
        async with db.transaction() as session:
            chosen = [OrderState(state) for state in states]
            return [
                _line(order) for order in await resolution.list_orders(session, states=chosen, limit=limit)
            ]

    lines = run_in_transaction(work)
    click.echo("\n".join(lines) if lines else "no orders")


@orders_group.command("resolve")
@click.argument("order_id", type=int)
@click.option("--provider-order", default=None, help="it exists at the provider under this id: follow it")
@click.option("--resend", is_flag=True, help="it does not exist at the provider: dispatch it again")
@click.option("--refund", is_flag=True, help="give it up: cancel it and refund the customer in full")
def resolve(order_id: int, provider_order: str | None, resend: bool, refund: bool) -> None:
    """Settle ORDER_ID, whose dispatch outcome is unknown, after checking the provider's panel."""
    chosen = [provider_order is not None, resend, refund]
    if sum(chosen) != 1:
        raise click.ClickException("choose exactly one of --provider-order ID, --resend, --refund")
    config = settings()

    async def work(db: Database) -> str:
        # Imported here: Dramatiq and its broker clients are only needed to send a resend's job.
        from workers.runtime import WorkerRuntime

        runtime = WorkerRuntime(config) if config.broker_url and resend else None
        db.job_sender = runtime.sender if runtime is not None else None
        try:
            async with db.transaction() as session:
                if provider_order is not None:
                    order = await resolution.resolve_found(session, order_id, provider_order)
                    return f"order {order.id} is pending at the provider as {order.provider_order_id}"
                if resend:
                    order = await resolution.resolve_resend(session, order_id)
                    return f"order {order.id} is queued for dispatch again"
                order = await resolution.resolve_refund(session, order_id)
                return f"order {order.id} is canceled; refunded {order.refunded}"
        finally:
            if runtime is not None:
                runtime.close()

    click.echo(run_in_transaction(work))
