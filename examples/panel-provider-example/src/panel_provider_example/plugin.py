"""The plugin module named by the `reseller_panel.providers` entry point."""

from __future__ import annotations

from collections.abc import Callable

from panel_provider_example.adapter import AcmeAdapter
from providers import hookimpl
from providers.base import ProviderAdapter


@hookimpl
def register_adapters(register: Callable[[type[ProviderAdapter]], None]) -> None:
    """Give the panel the Acme adapter."""
    register(AcmeAdapter)
