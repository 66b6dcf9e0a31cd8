"""The built-in adapters, registered through the same hook as third-party plugins.

Each adapter is its own plugin so an operator can deny one (e.g. `PANEL_PLUGINS_DENY=simulated` in
production) without losing the others.
"""

from __future__ import annotations

from collections.abc import Callable

from providers.base import ProviderAdapter
from providers.hookspecs import hookimpl
from providers.simulated.adapter import SimulatedAdapter
from providers.smmv2.adapter import SmmV2Adapter
from providers.smmv2.testedsmm import TestedSmmAdapter


class BuiltinPlugin:
    """A plugin object that registers one built-in adapter class."""

    def __init__(self, adapter: type[ProviderAdapter]) -> None:
        self.adapter = adapter

    @hookimpl
    def register_adapters(self, register: Callable[[type[ProviderAdapter]], None]) -> None:
        """Register this plugin's adapter."""
        register(self.adapter)


BUILTIN_PLUGINS: dict[str, BuiltinPlugin] = {
    "smmv2": BuiltinPlugin(SmmV2Adapter),
    "testedsmm": BuiltinPlugin(TestedSmmAdapter),
    "simulated": BuiltinPlugin(SimulatedAdapter),
}
