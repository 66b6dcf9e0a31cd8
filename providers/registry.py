"""Finding adapter classes: built-ins and entry-point plugins, through one hook.

`load_adapters()` is called once at start. Anything wrong with the plugin set (an unknown hook, an
adapter key registered twice, a plugin that fails to import, an allowlisted plugin that is not
installed) raises `PluginLoadError` right there, naming both sides, instead of surfacing mid-order.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from typing import Any

import msgspec
import pluggy

from providers import hookspecs
from providers.base import Capabilities, ProviderAdapter
from providers.builtins import BUILTIN_PLUGINS

ENTRY_POINT_GROUP = "reseller_panel.providers"
ALLOW_ENV = "PANEL_PLUGINS"
DENY_ENV = "PANEL_PLUGINS_DENY"
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


class PluginLoadError(Exception):
    """The installed plugins cannot be loaded as they are; the message says which and why."""


class DuplicateAdapterKey(PluginLoadError):
    """Two adapter classes claim the same key."""


class UnknownAdapter(KeyError):
    """No adapter is registered under this key."""

    def __init__(self, key: str, known: Iterable[str]) -> None:
        super().__init__(key)
        self.key = key
        self.known = sorted(known)

    def __str__(self) -> str:
        return f"no provider adapter {self.key!r}; known adapters: {', '.join(self.known) or 'none'}"


class AdapterDescription(msgspec.Struct, frozen=True):
    """One registered adapter, for `panel providers adapters`."""

    key: str
    plugin: str
    version: str
    capabilities: Capabilities
    adapter: str  # dotted path of the class


class AdapterRegistry:
    """The adapter classes available in this process, by key."""

    def __init__(self, adapters: Mapping[str, tuple[type[ProviderAdapter], str, str]]) -> None:
        self._adapters = dict(adapters)

    def get(self, key: str) -> type[ProviderAdapter]:
        """The adapter class for `key`; `UnknownAdapter` (a `KeyError`) lists the known keys."""
        try:
            return self._adapters[key][0]
        except KeyError:
            raise UnknownAdapter(key, self._adapters) from None

    def keys(self) -> list[str]:
        """Registered keys, sorted."""
        return sorted(self._adapters)

    def describe(self) -> list[AdapterDescription]:
        """Each adapter with its plugin, the plugin's version and the adapter's capabilities."""
        return [
            AdapterDescription(
                key=key,
                plugin=plugin,
                version=version,
                capabilities=cls.capabilities,
                adapter=f"{cls.__module__}.{cls.__qualname__}",
            )
            for key, (cls, plugin, version) in sorted(self._adapters.items())
        ]

    def __contains__(self, key: object) -> bool:
        return key in self._adapters

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._adapters)


def allow_deny_from_env(environ: Mapping[str, str]) -> tuple[list[str] | None, list[str]]:
    """`(allow, deny)` for `load_adapters` from `PANEL_PLUGINS` / `PANEL_PLUGINS_DENY` (comma-separated).

    An unset `PANEL_PLUGINS` allows every installed plugin; set but empty, it allows none (built-ins
    still load unless denied).
    """
    raw_allow = environ.get(ALLOW_ENV)
    allow = None if raw_allow is None else _names(raw_allow.split(","))
    return allow, _names(environ.get(DENY_ENV, "").split(","))


def _names(items: Iterable[str]) -> list[str]:
    return [n for n in (_normal(i) for i in items) if n]


def _normal(name: str) -> str:
    # Distribution names compare case-insensitively with - and _ alike (PEP 503).
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def _panel_version() -> str:
    try:
        return metadata.version("reseller-panel")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def load_adapters(
    allow: Iterable[str] | None = None,
    deny: Iterable[str] | None = None,
    *,
    extra_plugins: Mapping[str, object] | None = None,
) -> AdapterRegistry:
    """Load built-in and entry-point plugins and collect the adapters they register.

    `allow`/`deny` name plugins (entry-point name or distribution name). `allow` restricts third-party
    plugins only; `deny` applies to built-ins (`smmv2`, `testedsmm`, `simulated`) too. `extra_plugins`
    registers plugin objects by name as if they were installed (tests, embedding).
    """
    allowed = None if allow is None else set(_names(allow))
    denied = set(_names(deny or ()))
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    versions: dict[str, str] = {}
    seen_allowed: set[str] = set()

    def add(name: str, plugin: object, version: str, also_known_as: str | None = None) -> None:
        aliases = {_normal(name)} | ({_normal(also_known_as)} if also_known_as else set())
        if aliases & denied:
            return
        if allowed is not None and name not in BUILTIN_PLUGINS:
            if not aliases & allowed:
                return
            seen_allowed.update(aliases & allowed)
        try:
            pm.register(plugin, name=name)
        except ValueError as exc:
            raise PluginLoadError(f"plugin {name!r} cannot be registered: {exc}") from None
        versions[name] = version

    for name, builtin in BUILTIN_PLUGINS.items():
        add(name, builtin, _panel_version())
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        dist_name = dist.metadata["Name"] if dist is not None else None
        if _normal(ep.name) in denied or (dist_name and _normal(dist_name) in denied):
            continue
        if allowed is not None and not ({_normal(ep.name), _normal(dist_name or "")} & allowed):
            continue
        try:
            loaded = ep.load()
        except Exception as exc:
            raise PluginLoadError(
                f"plugin {ep.name!r} (distribution {dist_name}) failed to import: {exc}"
            ) from exc
        add(ep.name, loaded, dist.version if dist is not None else "unknown", dist_name)
    for name, plugin in (extra_plugins or {}).items():
        add(name, plugin, "unregistered")

    missing = (allowed or set()) - seen_allowed - {_normal(n) for n in BUILTIN_PLUGINS}
    if missing:
        raise PluginLoadError(f"allowlisted plugins are not installed: {', '.join(sorted(missing))}")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginLoadError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from None
    return AdapterRegistry(_collect(pm, versions))


def _collect(
    pm: pluggy.PluginManager, versions: Mapping[str, str]
) -> dict[str, tuple[type[ProviderAdapter], str, str]]:
    adapters: dict[str, tuple[type[ProviderAdapter], str, str]] = {}
    for plugin_name, version in versions.items():
        plugin = pm.get_plugin(plugin_name)
        others = [p for p in pm.get_plugins() if p is not plugin]
        call = pm.subset_hook_caller("register_adapters", remove_plugins=others)

        def register(cls: Any, plugin_name: str = plugin_name, version: str = version) -> None:
            _check_adapter_class(cls, plugin_name)
            if cls.key in adapters:
                first, first_plugin, _ = adapters[cls.key]
                raise DuplicateAdapterKey(
                    f"adapter key {cls.key!r} is registered twice: "
                    f"{first.__module__}.{first.__qualname__} by plugin {first_plugin!r} and "
                    f"{cls.__module__}.{cls.__qualname__} by plugin {plugin_name!r}"
                )
            adapters[cls.key] = (cls, plugin_name, version)

        call(register=register)
    return adapters


def _check_adapter_class(cls: Any, plugin: str) -> None:
    where = f"plugin {plugin!r} registered {cls!r}"
    if not (isinstance(cls, type) and issubclass(cls, ProviderAdapter)):
        raise PluginLoadError(f"{where}, which is not a ProviderAdapter subclass")
    if inspect.isabstract(cls):
        raise PluginLoadError(f"{where}, which leaves abstract methods unimplemented")
    key = getattr(cls, "key", None)
    if not isinstance(key, str) or not _KEY_PATTERN.match(key):
        raise PluginLoadError(f"{where} with key {key!r}; keys are lower-case letters, digits, - and _")
    if not isinstance(getattr(cls, "capabilities", None), Capabilities):
        raise PluginLoadError(f"{where} without a Capabilities instance in `capabilities`")
    settings = cls.Settings
    if not (isinstance(settings, type) and issubclass(settings, msgspec.Struct)):
        raise PluginLoadError(f"{where} whose Settings is not a msgspec Struct")
    if not settings.__struct_config__.forbid_unknown_fields:
        raise PluginLoadError(f"{where} whose Settings does not set forbid_unknown_fields=True")
    try:
        cls.validate_settings({})
    except ValueError as exc:
        raise PluginLoadError(f"{where} whose Settings need values without defaults: {exc}") from None
