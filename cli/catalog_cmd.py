"""`panel catalog sync [NAME]`: fetch provider catalogs now."""

from __future__ import annotations

import click

from cli.runtime import run_in_transaction, settings
from cli.upstream import with_adapters
from core.catalog.sync import CatalogSyncResult, provider_ids, sync_catalog
from core.connections.adapters import AdapterFactory
from core.db.database import Database


@click.group("catalog")
def catalog_group() -> None:
    """Provider catalogs."""


def _describe(result: CatalogSyncResult) -> str:
    if result.report is None:
        return f"{result.name}: not synced: {result.error}"
    r = result.report
    return (
        f"{result.name}: {r.new} new, {r.changed} changed, {r.removed} removed, {r.restored} restored, "
        f"{r.unchanged} unchanged; {len(r.repriced_services)} services repriced"
    )


@catalog_group.command("sync")
@click.argument("name", required=False)
def sync(name: str | None) -> None:
    """Fetch the catalog of provider NAME (default: every enabled provider) and reprice its services."""
    config = settings()

    async def work(db: Database) -> list[CatalogSyncResult]:
        ids = await provider_ids(db, name=name)

        async def each(adapters: AdapterFactory) -> list[CatalogSyncResult]:
            return [await sync_catalog(db, adapters, provider_id, config) for provider_id in ids]

        return await with_adapters(config, each)

    results = run_in_transaction(work)
    if not results:
        click.echo("no enabled providers; add one with `panel providers add`")
        return
    for result in results:
        click.echo(_describe(result))
    failed = [r.name for r in results if r.report is None]
    if failed:
        raise click.ClickException(f"catalog sync failed for {', '.join(failed)}")
