"""The adapter base class every provider plugin subclasses.

An adapter gets everything through its constructor: the provider's URL and API key, the panel's one shared
`httpx.AsyncClient`, a total per-call deadline and its validated settings. It reads no environment, no
files and no database, so the same class serves any number of provider connections.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import httpx
import msgspec

from providers.dto import (
    BalanceInfo,
    CancelInfo,
    ItemError,
    OrderRequest,
    OrderStatusInfo,
    PlacedOrder,
    ProviderServiceInfo,
    RefillInfo,
    RefillStatusInfo,
)
from providers.errors import ProviderRejected, RejectReason
from providers.secret import ApiKey

T = TypeVar("T")

# The SMM API's documented batch limit ("separated by a comma, up to 100 IDs").
MAX_BATCH = 100


class Capabilities(msgspec.Struct, frozen=True):
    """What an adapter can do; the panel checks these before offering refill, cancel or drip-feed."""

    refill: bool
    cancel: bool
    dripfeed: bool
    status_batch_size: int = MAX_BATCH


class NoSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Settings schema of adapters that take none: any key is an error."""


class ProviderAdapter(ABC):
    """Speaks one provider protocol. Subclass it, set the class attributes, implement the abstract methods.

    Batch methods (`statuses`, `refill`, `refill_statuses`, `cancel`) are implemented here: they drop
    duplicate ids and call the `..._batch` methods with chunks of at most `batch_size` ids. Ids the
    provider leaves out of its reply are simply absent from the returned dict.
    """

    key: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    Settings: ClassVar[type[msgspec.Struct]] = NoSettings
    default_base_url: ClassVar[str | None] = None

    settings: msgspec.Struct

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        http: httpx.AsyncClient,
        timeout: float,
        settings: Mapping[str, Any] | msgspec.Struct | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.base_url = base_url
        # Wrapped so that reprs, vars() dumps and tracebacks with locals show "***"; `.reveal()` reads it.
        self.api_key = ApiKey(api_key)
        self.http = http
        self.timeout = timeout
        self.settings = self.validate_settings(settings)

    @classmethod
    def validate_settings(cls, raw: Mapping[str, Any] | msgspec.Struct | None) -> Any:
        """Check `raw` against `Settings` and return the typed settings; `ValueError` says what is wrong."""
        if raw is None:
            raw = {}
        if isinstance(raw, cls.Settings):
            return raw
        if isinstance(raw, msgspec.Struct):
            raise ValueError(
                f"invalid settings for adapter {cls.key!r}: expected {cls.Settings.__name__}, "
                f"got {type(raw).__name__}"
            )
        try:
            return msgspec.convert(dict(raw), type=cls.Settings, strict=True)
        except (msgspec.ValidationError, TypeError) as exc:
            raise ValueError(f"invalid settings for adapter {cls.key!r}: {exc}") from None

    @property
    def batch_size(self) -> int:
        """How many ids one batch request carries."""
        return min(self.capabilities.status_batch_size, MAX_BATCH)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} key={self.key!r} base_url={self.base_url!r}>"

    # -- single calls -------------------------------------------------------------------------------

    @abstractmethod
    async def services(self) -> list[ProviderServiceInfo]:
        """The provider's catalog."""

    @abstractmethod
    async def add_order(self, req: OrderRequest) -> PlacedOrder:
        """Place one order. Raises `ProviderRejected`, `ProviderUnavailable` or `OutcomeUnknown`."""

    @abstractmethod
    async def balance(self) -> BalanceInfo:
        """The panel's balance at the provider."""

    # -- batch calls --------------------------------------------------------------------------------

    async def statuses(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        """Status of each order id; ids the provider does not mention are absent."""
        return await self._chunked(ids, self.status_batch)

    async def refill(self, ids: Sequence[str]) -> dict[str, RefillInfo | ItemError]:
        """Ask for a refill of each order id."""
        self._require(self.capabilities.refill, "refill")
        return await self._chunked(ids, self.refill_batch)

    async def refill_statuses(self, ids: Sequence[str]) -> dict[str, RefillStatusInfo | ItemError]:
        """Status of each refill id."""
        self._require(self.capabilities.refill, "refill")
        return await self._chunked(ids, self.refill_status_batch)

    async def cancel(self, ids: Sequence[str]) -> dict[str, CancelInfo | ItemError]:
        """Ask the provider to cancel each order id."""
        self._require(self.capabilities.cancel, "cancel")
        return await self._chunked(ids, self.cancel_batch)

    @abstractmethod
    async def status_batch(self, ids: Sequence[str]) -> dict[str, OrderStatusInfo | ItemError]:
        """Status of at most `batch_size` distinct ids."""

    async def refill_batch(self, ids: Sequence[str]) -> dict[str, RefillInfo | ItemError]:
        """Refill at most `batch_size` distinct ids; override when `capabilities.refill`."""
        raise NotImplementedError

    async def refill_status_batch(self, ids: Sequence[str]) -> dict[str, RefillStatusInfo | ItemError]:
        """Status of at most `batch_size` distinct refill ids; override when `capabilities.refill`."""
        raise NotImplementedError

    async def cancel_batch(self, ids: Sequence[str]) -> dict[str, CancelInfo | ItemError]:
        """Cancel at most `batch_size` distinct ids; override when `capabilities.cancel`."""
        raise NotImplementedError

    def _require(self, capable: bool, what: str) -> None:
        if not capable:
            raise ProviderRejected(RejectReason.OTHER, f"adapter {self.key!r} does not support {what}")

    async def _chunked(
        self, ids: Sequence[str], fetch: Callable[[Sequence[str]], Awaitable[dict[str, T]]]
    ) -> dict[str, T]:
        if isinstance(ids, str):
            # A bare string is a Sequence[str] too; iterating it would ask for each character.
            raise TypeError("ids must be a sequence of id strings, not a single string")
        unique = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
        size = max(1, self.batch_size)
        result: dict[str, T] = {}
        for start in range(0, len(unique), size):
            result.update(await fetch(unique[start : start + size]))
        return result
