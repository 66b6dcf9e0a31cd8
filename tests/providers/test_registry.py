"""Loading adapters: built-ins through the hook, allow/deny lists, and loud failures at start."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import msgspec
import pytest

from providers import hookimpl
from providers.base import Capabilities, ProviderAdapter
from providers.dto import (
    BalanceInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
)
from providers.registry import (
    AdapterDescription,
    DuplicateAdapterKey,
    PluginLoadError,
    UnknownAdapter,
    allow_deny_from_env,
    load_adapters,
)
from providers.simulated.adapter import SimulatedAdapter
from providers.smmv2.adapter import SmmV2Adapter

Register = Callable[[type[ProviderAdapter]], None]


class EchoAdapter(ProviderAdapter):
    """A minimal adapter for registry tests."""

    key: ClassVar[str] = "echo"
    capabilities: ClassVar[Capabilities] = Capabilities(refill=False, cancel=False, dripfeed=False)

    async def services(self) -> list[ProviderServiceInfo]:
        return []

    async def add_order(self, req: OrderRequest) -> PlacedOrder:
        return PlacedOrder("1")

    async def balance(self) -> BalanceInfo:
        raise NotImplementedError

    async def status_batch(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        return {}


class Registers:
    """A plugin object registering the given classes."""

    def __init__(self, *classes: Any) -> None:
        self.classes = classes

    @hookimpl
    def register_adapters(self, register: Register) -> None:
        for cls in self.classes:
            register(cls)


def test_builtins_register_through_the_hook() -> None:
    registry = load_adapters()
    assert {"smmv2", "testedsmm", "simulated"} <= set(registry.keys())
    assert registry.get("smmv2") is SmmV2Adapter
    described = {d.key: d for d in registry.describe()}
    assert described["simulated"] == AdapterDescription(
        key="simulated",
        plugin="simulated",
        version=described["simulated"].version,
        capabilities=SimulatedAdapter.capabilities,
        adapter="providers.simulated.adapter.SimulatedAdapter",
    )
    assert described["simulated"].version[0].isdigit()


def test_extra_plugins_are_registered_and_described() -> None:
    registry = load_adapters(extra_plugins={"echo-plugin": Registers(EchoAdapter)})
    assert registry.get("echo") is EchoAdapter
    assert [d.plugin for d in registry.describe() if d.key == "echo"] == ["echo-plugin"]
    assert "echo" in registry
    assert len(registry) == len(registry.keys())


def test_unknown_adapter_lists_the_known_keys() -> None:
    registry = load_adapters()
    with pytest.raises(KeyError) as caught:
        registry.get("nope")
    assert isinstance(caught.value, UnknownAdapter)
    assert str(caught.value) == f"no provider adapter 'nope'; known adapters: {', '.join(registry.keys())}"


def test_duplicate_keys_name_both_classes_and_both_plugins() -> None:
    class SmmV2Clone(EchoAdapter):
        key: ClassVar[str] = "smmv2"

    with pytest.raises(DuplicateAdapterKey) as caught:
        load_adapters(extra_plugins={"clone-plugin": Registers(SmmV2Clone)})
    message = str(caught.value)
    assert "'smmv2'" in message
    assert "providers.smmv2.adapter.SmmV2Adapter by plugin 'smmv2'" in message
    assert "SmmV2Clone by plugin 'clone-plugin'" in message


def test_an_unknown_hook_fails_at_start() -> None:
    class Typo:
        @hookimpl
        def register_adaptors(self, register: Register) -> None:
            """Misspelled: pluggy would silently never call it."""

    with pytest.raises(PluginLoadError, match="register_adaptors"):
        load_adapters(extra_plugins={"typo": Typo()})


class _Loose(msgspec.Struct):
    speed: int = 1


class _NeedsValue(msgspec.Struct, forbid_unknown_fields=True):
    url: str


@pytest.mark.parametrize(
    ("registered", "problem"),
    [
        (object, "not a ProviderAdapter subclass"),
        (ProviderAdapter, "abstract"),
        (type("BadKey", (EchoAdapter,), {"key": "Bad Key!"}), "keys are lower-case"),
        (type("NoCaps", (EchoAdapter,), {"key": "nocaps", "capabilities": {"refill": True}}), "Capabilities"),
        (type("Loose", (EchoAdapter,), {"key": "loose", "Settings": _Loose}), "forbid_unknown_fields"),
        (type("Needy", (EchoAdapter,), {"key": "needy", "Settings": _NeedsValue}), "without defaults"),
    ],
)
def test_malformed_adapters_are_refused_at_start(registered: Any, problem: str) -> None:
    with pytest.raises(PluginLoadError, match=problem) as caught:
        load_adapters(extra_plugins={"bad-plugin": Registers(registered)})
    assert "bad-plugin" in str(caught.value)


def test_deny_removes_builtins_too() -> None:
    registry = load_adapters(deny=["simulated"])
    assert "simulated" not in registry
    assert "smmv2" in registry


def test_allow_restricts_third_party_plugins_only() -> None:
    registry = load_adapters(allow=["echo-plugin"], extra_plugins={"echo-plugin": Registers(EchoAdapter)})
    assert {"echo", "smmv2", "simulated"} <= set(registry.keys())
    other = load_adapters(allow=[], extra_plugins={"echo-plugin": Registers(EchoAdapter)})
    assert "echo" not in other
    assert "smmv2" in other


def test_allowing_a_plugin_that_is_not_installed_fails() -> None:
    with pytest.raises(PluginLoadError, match="not-installed-plugin"):
        load_adapters(allow=["not-installed-plugin"])


def test_names_compare_like_distribution_names() -> None:
    registry = load_adapters(deny=["Echo_Plugin"], extra_plugins={"echo-plugin": Registers(EchoAdapter)})
    assert "echo" not in registry


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, (None, [])),
        ({"PANEL_PLUGINS": ""}, ([], [])),
        ({"PANEL_PLUGINS": "a, b,,", "PANEL_PLUGINS_DENY": "simulated"}, (["a", "b"], ["simulated"])),
        ({"PANEL_PLUGINS_DENY": " Panel_Provider_Example "}, (None, ["panel-provider-example"])),
    ],
)
def test_allow_deny_from_env(environ: dict[str, str], expected: tuple[list[str] | None, list[str]]) -> None:
    assert allow_deny_from_env(environ) == expected
