"""The plugin hooks of the reseller panel. There is one: plugins register adapter classes.

Hooks only register things (llm style). Calls to providers are ordinary async methods on adapter
instances, because pluggy cannot await.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from providers.base import ProviderAdapter

PROJECT_NAME = "reseller_panel"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_adapters(register: Callable[[type[ProviderAdapter]], None]) -> None:
    """Register provider adapter classes by calling ``register(AdapterClass)`` once per class.

    :param register: takes a `ProviderAdapter` subclass. Its ``key`` must be unique across every
        installed plugin; a duplicate stops the panel at start with an error naming both classes.
    """
