"""`panel services ...`: import provider services for sale, list them, route them to more providers."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from cli.runtime import run_in_transaction, settings
from cli.upstream import with_adapters
from core.catalog import service as catalog
from core.catalog.models import ProviderService, Service, ServiceRoute
from core.catalog.pricing import PricingConfig
from core.catalog.sync import sync_catalog
from core.connections import service as connections
from core.connections.adapters import AdapterFactory
from core.db.database import Database
from core.money import MoneyError, to_decimal


@click.group("services")
def services_group() -> None:
    """The services the panel sells."""


def _ids(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise click.ClickException("--ids takes provider service ids separated by commas, e.g. 1,2,3")
    return ids


@services_group.command("import")
@click.argument("provider")
@click.option(
    "--markup", default=None, help="markup percent for the imported services (default: pricing rules)"
)
@click.option("--category", default=None, help="only services of this provider category")
@click.option("--ids", "raw_ids", default=None, help="only these provider service ids, e.g. 1,2,3")
def import_services(provider: str, markup: str | None, category: str | None, raw_ids: str | None) -> None:
    """Put PROVIDER's services on sale (its catalog is fetched first if it was never synced)."""
    config = settings()
    external_ids = _ids(raw_ids)
    if markup is not None:
        try:
            to_decimal(markup)
        except (MoneyError, TypeError):
            raise click.ClickException(f"not a markup percentage: {markup!r}") from None

    async def work(db: Database) -> list[Service]:
        async with db.transaction() as session:
            connection = await connections.get_provider(session, provider)
            known = await session.scalar(
                select(func.count()).where(ProviderService.provider_id == connection.id)
            )
        if not known:

            async def fetch(adapters: AdapterFactory) -> str | None:
                return (await sync_catalog(db, adapters, connection.id, config)).error

            error = await with_adapters(config, fetch)
            if error is not None:
                raise click.ClickException(f"cannot fetch {provider}'s catalog: {error}")
        async with db.transaction() as session:
            connection = await connections.get_provider(session, provider)
            return await catalog.import_services(
                session,
                connection,
                PricingConfig.from_settings(config),
                markup_percent=markup,
                category=category,
                external_ids=external_ids,
            )

    created = run_in_transaction(work)
    for service in created:
        state = "on sale" if service.enabled else f"disabled ({service.disabled_reason})"
        click.echo(f"{service.id:>5}  {service.name}  rate {service.rate}  {state}")
    click.echo(f"imported {len(created)} service(s) from {provider}")


@services_group.command("list")
def list_services() -> None:
    """Every service with its sell rate, limits, state and number of routes."""

    async def work(db: Database) -> list[str]:
        async with db.transaction() as session:
            routes = dict(
                (
                    await session.execute(
                        select(ServiceRoute.service_id, func.count()).group_by(ServiceRoute.service_id)
                    )
                ).all()
            )
            return [
                f"{s.id:>5}  {s.name[:60]:<60} {s.type:<16} rate {s.rate}  {s.min_quantity}-{s.max_quantity}  "
                f"{routes.get(s.id, 0)} route(s)  "
                f"{'on sale' if s.enabled else 'disabled: ' + (s.disabled_reason or 'by an admin')}"
                for s in await catalog.list_services(session)
            ]

    lines = run_in_transaction(work)
    click.echo(
        "\n".join(lines) if lines else "no services; import some with `panel services import PROVIDER`"
    )


@services_group.group("route")
def route_group() -> None:
    """Routes: which provider services fulfil a service."""


@route_group.command("add")
@click.argument("service_id", type=int)
@click.argument("provider")
@click.argument("external_service_id")
@click.option("--priority", type=int, default=10, show_default=True, help="lower is tried first")
def add_route(service_id: int, provider: str, external_service_id: str, priority: int) -> None:
    """Let PROVIDER's service EXTERNAL_SERVICE_ID fulfil SERVICE_ID too."""
    config = settings()

    async def work(db: Database) -> str:
        async with db.transaction() as session:
            route = await catalog.add_route(
                session,
                PricingConfig.from_settings(config),
                service_id=service_id,
                provider_name=provider,
                external_id=external_service_id.strip(),
                priority=priority,
            )
            return f"service {service_id} now also routes to {provider} service {external_service_id} (route {route.id}, priority {route.priority})"

    click.echo(run_in_transaction(work))
