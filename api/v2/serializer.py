"""Response shapes of /api/v2 in the two dialects; the only module that knows how they differ.

`SeedDialect` serves what the seed provider's document shows (reference §0) plus the Perfect Panel fields
its samples omit; `PerfectPanelDialect` serves the Perfect Panel canonical shapes (reference §1). The
differences, all here:

| action            | seed                                   | perfectpanel                                  |
|-------------------|----------------------------------------|-----------------------------------------------|
| services          | `min`/`max` JSON numbers               | `min`/`max` strings                           |
| status, multi     | list of `{"order": id, ...}`           | object keyed by id                            |
| refill, single    | `{"refill": 5555}` (number)            | `{"refill": "5555"}` (string)                 |
| cancel            | `{"order": id, "canceled": bool}`      | `{"order": id, "cancel": 1 or {"error"}}`     |

Common to both: ids are JSON integers (a malformed id is echoed back as the string it was), money and
counts are strings, flags are booleans, and no success object ever carries an `error` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from core.catalog.queries import ServiceOffer
from core.money import amount
from core.orders.queries import OrderStatusView

# A batch item's id: the integer it was, or the raw text of a malformed one ("Array", "abc").
ItemKey = int | str
JSON = dict[str, Any] | list[Any]

_TWO_PLACES = Decimal("0.01")


def format_amount(value: Decimal) -> str:
    """Money as Perfect Panel shows it: 5 decimal places ("0.27819", "100.00000")."""
    return format(amount(value), "f")


def format_rate(value: Decimal) -> str:
    """A rate per 1000, exact, with at least 2 decimal places ("0.90", "8.00", "1.234567")."""
    normal = value.normalize()
    if normal.as_tuple().exponent > -2:  # type: ignore[operator]
        normal = normal.quantize(_TWO_PLACES)
    return format(normal, "f")


class ItemError:
    """A failed batch item: the error message shown in its slot."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"ItemError({self.message!r})"


class SeedDialect:
    """The seed document's shapes, extended with the Perfect Panel fields it leaves out."""

    name: Literal["seed", "perfectpanel"] = "seed"

    def __init__(self, currency: str) -> None:
        self.currency = currency

    @staticmethod
    def error(message: str) -> dict[str, Any]:
        """A top-level failure: exactly `{"error": message}`."""
        return {"error": message}

    def _limit(self, value: int) -> int | str:
        return value

    def services(self, offers: Sequence[ServiceOffer]) -> list[dict[str, Any]]:
        """The catalog: `service` an integer, `rate` a string, flags booleans."""
        items = []
        for offer in offers:
            item: dict[str, Any] = {
                "service": offer.service_id,
                "name": offer.name,
                "type": offer.type,
                "category": offer.category,
                "rate": format_rate(offer.rate),
                "min": self._limit(offer.min_quantity),
                "max": self._limit(offer.max_quantity),
                "refill": offer.refill,
                "cancel": offer.cancel,
                "dripfeed": offer.dripfeed,
            }
            if offer.description:
                item["desc"] = offer.description
            items.append(item)
        return items

    @staticmethod
    def placed(order_id: int) -> dict[str, Any]:
        """`add`: `{"order": id}`."""
        return {"order": order_id}

    def status(self, view: OrderStatusView) -> dict[str, Any]:
        """One order's status; every number is a string."""
        return {
            "charge": format_amount(view.charge),
            "start_count": str(view.start_count),
            "status": view.status,
            "remains": str(view.remains),
            "currency": self.currency,
        }

    def statuses(self, items: Sequence[tuple[ItemKey, OrderStatusView | ItemError]]) -> JSON:
        """Multi-status: a list whose items carry `order` (seed)."""
        result = []
        for key, outcome in items:
            if isinstance(outcome, ItemError):
                result.append({"order": key, "error": outcome.message})
            else:
                result.append({"order": key, **self.status(outcome)})
        return result

    @staticmethod
    def refill(refill_id: int) -> dict[str, Any]:
        """Refill of one order: the refill id as a number (seed)."""
        return {"refill": refill_id}

    @staticmethod
    def refills(items: Sequence[tuple[ItemKey, int | ItemError]]) -> list[dict[str, Any]]:
        """Multi-refill: `[{"order": id, "refill": refill_id | {"error": ...}}]`."""
        return [
            {
                "order": key,
                "refill": {"error": outcome.message} if isinstance(outcome, ItemError) else outcome,
            }
            for key, outcome in items
        ]

    @staticmethod
    def refill_status(status: str) -> dict[str, Any]:
        """One refill's status."""
        return {"status": status}

    @staticmethod
    def refill_statuses(items: Sequence[tuple[ItemKey, str | ItemError]]) -> list[dict[str, Any]]:
        """Multi refill-status: `[{"refill": id, "status": text | {"error": ...}}]`."""
        return [
            {
                "refill": key,
                "status": {"error": outcome.message} if isinstance(outcome, ItemError) else outcome,
            }
            for key, outcome in items
        ]

    @staticmethod
    def cancel() -> dict[str, Any]:
        """Cancel of one order (`order=`), accepted."""
        return {"canceled": True}

    @staticmethod
    def cancels(items: Sequence[tuple[ItemKey, ItemError | None]]) -> list[dict[str, Any]]:
        """Batch cancel: `canceled` true or false; a refused item also says why in `error`."""
        result: list[dict[str, Any]] = []
        for key, outcome in items:
            if isinstance(outcome, ItemError):
                result.append({"order": key, "canceled": False, "error": outcome.message})
            else:
                result.append({"order": key, "canceled": True})
        return result

    def balance(self, value: Decimal) -> dict[str, Any]:
        """The customer's balance and the panel currency."""
        return {"balance": format_amount(value), "currency": self.currency}


class PerfectPanelDialect(SeedDialect):
    """The Perfect Panel canonical shapes (reference §1)."""

    name: Literal["seed", "perfectpanel"] = "perfectpanel"

    def _limit(self, value: int) -> int | str:
        return str(value)

    def statuses(self, items: Sequence[tuple[ItemKey, OrderStatusView | ItemError]]) -> JSON:
        """Multi-status: an object keyed by the id as text."""
        return {
            str(key): {"error": outcome.message} if isinstance(outcome, ItemError) else self.status(outcome)
            for key, outcome in items
        }

    @staticmethod
    def refill(refill_id: int) -> dict[str, Any]:
        """Refill of one order: the refill id as a string (PP)."""
        return {"refill": str(refill_id)}

    @staticmethod
    def cancel() -> dict[str, Any]:
        """Cancel of one order (`order=`), accepted: the legacy PP answer."""
        return {"cancel": 1}

    @staticmethod
    def cancels(items: Sequence[tuple[ItemKey, ItemError | None]]) -> list[dict[str, Any]]:
        """Batch cancel: `cancel` is 1, or `{"error": ...}` for a refused item."""
        return [
            {"order": key, "cancel": {"error": outcome.message} if isinstance(outcome, ItemError) else 1}
            for key, outcome in items
        ]


def dialect_for(name: str, currency: str) -> SeedDialect:
    """The serializer for a `PANEL_API_DIALECT` value."""
    if name == "perfectpanel":
        return PerfectPanelDialect(currency)
    if name == "seed":
        return SeedDialect(currency)
    raise ValueError(f"unknown API dialect {name!r}")
