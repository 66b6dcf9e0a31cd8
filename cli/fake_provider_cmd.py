"""`panel fake-provider`: a standalone fake upstream provider for tests and trials."""

from __future__ import annotations

import asyncio
from decimal import Decimal, InvalidOperation

import click

from providers.fake_server import BookSettings, Dialect, FakeProviderApp, FakeProviderControl, Faults
from providers.fake_server.runner import bind_socket, build_server


def _amount(_ctx: click.Context, _param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("must be a finite amount >= 0")
    return amount


@click.command("fake-provider")
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option("--port", default=9090, show_default=True, type=click.IntRange(0, 65535), help="0 picks one")
@click.option(
    "--dialect",
    type=click.Choice([d.value for d in Dialect]),
    default=Dialect.PERFECTPANEL.value,
    show_default=True,
    help="reply shapes: canonical Perfect Panel, or the seed's testedsmmapi.com",
)
@click.option("--api-key", default=None, help="accept only this key (default: any non-empty key)")
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="time multiplier for order progress",
)
@click.option("--partial-share", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--cancel-share", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--balance", default="1000.00000", show_default=True, callback=_amount)
@click.option("--currency", default="USD", show_default=True)
@click.option("--reject-duplicate-links", is_flag=True, help='"Active order with this link exists"')
@click.option("--latency-ms", default=0.0, type=click.FloatRange(min=0), help="delay every API request")
@click.option("--fault-actions", default=None, help="comma-separated actions the faults below apply to")
@click.option("--http-500", is_flag=True, help="answer HTTP 500")
@click.option("--html-error", is_flag=True, help="answer an HTML 502 page")
@click.option("--malformed-json", is_flag=True, help="answer truncated JSON")
@click.option("--hang-add", is_flag=True, help="accept `add`, then never answer")
@click.option("--error-message", default=None, help='answer {"error": MESSAGE} with HTTP 200')
@click.option("--drop-share", default=0.0, type=click.FloatRange(0, 1), help="ids left out of multi-status")
@click.option("--seed", default=None, type=int, help="random seed for reproducible order outcomes")
def fake_provider(
    host: str,
    port: int,
    dialect: str,
    api_key: str | None,
    speed: float,
    partial_share: float,
    cancel_share: float,
    balance: Decimal,
    currency: str,
    reject_duplicate_links: bool,
    latency_ms: float,
    fault_actions: str | None,
    http_500: bool,
    html_error: bool,
    malformed_json: bool,
    hang_add: bool,
    error_message: str | None,
    drop_share: float,
    seed: int | None,
) -> None:
    """Serve a fake SMM API v2 provider at http://HOST:PORT/api/v2, steerable over /_control/*."""
    if partial_share + cancel_share > 1:
        raise click.BadParameter("--partial-share plus --cancel-share must not exceed 1")
    settings = BookSettings(
        speed=speed,
        partial_share=partial_share,
        cancel_share=cancel_share,
        balance=balance,
        currency=currency,
        reject_duplicate_links=reject_duplicate_links,
        seed=seed,
    )
    control = FakeProviderControl(dialect=dialect, api_key=api_key, settings=settings)
    actions = [a.strip() for a in fault_actions.split(",") if a.strip()] if fault_actions else None
    control.set_faults(
        Faults(
            latency_ms=latency_ms,
            actions=actions,
            http_500=http_500,
            html_error=html_error,
            malformed_json=malformed_json,
            hang_add=hang_add,
            error_message=error_message,
            drop_share=drop_share,
        )
    )
    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_host, bound_port = sock.getsockname()[:2]
    # On stdout so a parent process started with --port 0 can read the address.
    click.echo(f"fake provider ({dialect}) at http://{bound_host}:{bound_port}/api/v2")
    server = build_server(FakeProviderApp(control), handle_signals=True)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        control.released.set()
        sock.close()
