"""`panel providers ...`: upstream provider connections and the adapters that speak to them."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from cli.runtime import run_in_transaction, settings
from core.connections import service as connections
from core.db.database import Database
from providers.registry import AdapterRegistry, allow_deny_from_env, load_adapters


def adapter_registry() -> AdapterRegistry:
    """Built-in and installed adapters, filtered by PANEL_PLUGINS / PANEL_PLUGINS_DENY."""
    allow, deny = allow_deny_from_env(os.environ)
    try:
        return load_adapters(allow=allow, deny=deny)
    except Exception as exc:  # a broken plugin must be one clear line, not a traceback
        raise click.ClickException(f"cannot load provider plugins: {exc}") from None


def _parse_settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise click.ClickException(f"--setting takes NAME=VALUE, got {pair!r}")
        try:
            parsed[name] = json.loads(raw)
        except json.JSONDecodeError:
            parsed[name] = raw
    return parsed


@click.group("providers")
def providers_group() -> None:
    """Upstream providers."""


@providers_group.command("add")
@click.argument("name")
@click.option("--adapter", "adapter_key", required=True, help="adapter key, see `panel providers adapters`")
@click.option("--url", default=None, help="the provider's API URL, used exactly as given")
@click.option("--key", "api_key", required=True, help="the provider API key; '-' reads it from stdin")
@click.option("--currency", default=None, help="the provider account's currency (default: panel currency)")
@click.option("--setting", "setting_pairs", multiple=True, help="adapter setting NAME=VALUE (repeatable)")
def add(
    name: str,
    adapter_key: str,
    url: str | None,
    api_key: str,
    currency: str | None,
    setting_pairs: tuple[str, ...],
) -> None:
    """Connect an upstream provider."""
    if api_key == "-":
        api_key = sys.stdin.readline().strip()
    registry = adapter_registry()
    adapter_settings = _parse_settings(setting_pairs)
    code = currency or settings().currency

    async def work(db: Database) -> str:
        async with db.transaction() as session:
            connection = await connections.add_provider(
                session,
                registry,
                name=name,
                adapter_key=adapter_key,
                base_url=url,
                api_key=api_key,
                currency=code,
                settings=adapter_settings,
            )
            return f"added provider {connection.name} (id {connection.id}, adapter {connection.adapter_key}, {connection.currency})"

    click.echo(run_in_transaction(work))


@providers_group.command("list")
def list_providers() -> None:
    """Every provider connection (keys are never shown)."""

    async def work(db: Database) -> list[str]:
        async with db.transaction() as session:
            return [
                f"{c.id:>4}  {c.name:<24} {c.adapter_key:<12} {c.currency:<4} "
                f"{'enabled ' if c.enabled else 'disabled'} {c.base_url}"
                for c in await connections.list_providers(session)
            ]

    lines = run_in_transaction(work)
    click.echo("\n".join(lines) if lines else "no providers; add one with `panel providers add`")


@providers_group.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Delete a provider that never received an order."""

    async def work(db: Database) -> None:
        async with db.transaction() as session:
            await connections.remove_provider(session, name)

    run_in_transaction(work)
    click.echo(f"removed provider {name}")


@providers_group.command("adapters")
def adapters() -> None:
    """Installed adapters with the plugin that provides them and its version."""
    for item in adapter_registry().describe():
        caps = item.capabilities
        flags = ",".join(flag for flag in ("refill", "cancel", "dripfeed") if getattr(caps, flag)) or "-"
        click.echo(f"{item.key:<14} {item.plugin:<32} {item.version:<10} {flags}")
